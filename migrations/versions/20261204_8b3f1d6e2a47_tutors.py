"""Tutors: assignments to teachers or municipalities, plan review, evidence reviews, consultations

Revision ID: 8b3f1d6e2a47
Revises: 8a4f2c6e1b57
Create Date: 2026-12-04 03:10:00

"""

import sqlalchemy as sa
from alembic import op

import competence.database

# revision identifiers, used by Alembic.
revision = "8b3f1d6e2a47"
down_revision = "8a4f2c6e1b57"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tutor_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", competence.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(teacher_id IS NULL) <> (municipality_id IS NULL)",
            name=op.f("ck_tutor_assignments_teacher_or_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_tutor_assignments_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_tutor_assignments_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["users.id"],
            name=op.f("fk_tutor_assignments_teacher_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_id"],
            ["users.id"],
            name=op.f("fk_tutor_assignments_tutor_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tutor_assignments")),
        sa.UniqueConstraint(
            "tutor_id", "municipality_id", name=op.f("uq_tutor_assignments_tutor_municipality")
        ),
        sa.UniqueConstraint(
            "tutor_id", "teacher_id", name=op.f("uq_tutor_assignments_tutor_teacher")
        ),
    )
    with op.batch_alter_table("tutor_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tutor_assignments_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tutor_assignments_teacher_id"), ["teacher_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tutor_assignments_tutor_id"), ["tutor_id"], unique=False)

    op.create_table(
        "evidence_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_module_id", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("evidence_note", sa.Text(), nullable=True),
        sa.Column("evidence_link", sa.String(length=500), nullable=True),
        sa.Column("evidence_filename", sa.String(length=200), nullable=True),
        sa.Column("created_at", competence.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('confirmed', 'returned')", name=op.f("ck_evidence_reviews_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["track_module_id"],
            ["track_modules.id"],
            name=op.f("fk_evidence_reviews_track_module_id_track_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_id"],
            ["users.id"],
            name=op.f("fk_evidence_reviews_tutor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_reviews")),
    )
    with op.batch_alter_table("evidence_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_reviews_track_module_id"), ["track_module_id"], unique=False
        )

    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.Integer(), nullable=True),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("form", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", competence.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "form IN ('in_person', 'online', 'phone', 'email')", name=op.f("ck_consultations_form")
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["users.id"],
            name=op.f("fk_consultations_teacher_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tutor_id"],
            ["users.id"],
            name=op.f("fk_consultations_tutor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultations_teacher_id"), ["teacher_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultations_tutor_id"), ["tutor_id"], unique=False)

    with op.batch_alter_table("development_tracks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("review_status", sa.String(length=12), server_default="draft", nullable=False)
        )
        batch_op.add_column(
            sa.Column("submitted_at", competence.database.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("approved_at", competence.database.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_development_tracks_approved_by_id_users"),
            "users",
            ["approved_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_development_tracks_review_status"),
            "review_status IN ('draft', 'submitted', 'approved')",
        )


def downgrade():
    with op.batch_alter_table("development_tracks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_development_tracks_review_status"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_development_tracks_approved_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("review_status")

    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultations_tutor_id"))
        batch_op.drop_index(batch_op.f("ix_consultations_teacher_id"))
    op.drop_table("consultations")

    with op.batch_alter_table("evidence_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_reviews_track_module_id"))
    op.drop_table("evidence_reviews")

    with op.batch_alter_table("tutor_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tutor_assignments_tutor_id"))
        batch_op.drop_index(batch_op.f("ix_tutor_assignments_teacher_id"))
        batch_op.drop_index(batch_op.f("ix_tutor_assignments_municipality_id"))
    op.drop_table("tutor_assignments")
