"""Loading instrument files into the database: versions, immutability, the CLI."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from competence.extensions import db
from competence.instruments import services
from competence.instruments.library import ImmutableVersionError, compiled
from competence.instruments.models import ContentDocument, ContentVersion, VersionStatus

SHIPPED = Path(__file__).parent.parent.parent / "instruments"
BROKEN = Path(__file__).parent / "fixtures" / "broken"


def versions_of(kind, key):
    return db.session.scalars(
        select(ContentVersion)
        .join(ContentDocument)
        .where(ContentDocument.kind == kind, ContentDocument.key == key)
        .order_by(ContentVersion.number)
    ).all()


@pytest.fixture
def tree(tmp_path):
    """A copy of the shipped instruments that a test may change."""
    target = tmp_path / "instruments"
    shutil.copytree(SHIPPED, target)
    return target


def test_loading_publishes_everything_once(app):
    report = services.load_tree(SHIPPED)
    kinds = sorted(v.document.kind for v in report.published)
    assert kinds.count("instrument") == 5 and kinds.count("framework") == 5
    assert kinds.count("scale") == 3
    again = services.load_tree(SHIPPED)
    assert again.published == [] and len(again.unchanged) == 13
    assert db.session.scalar(select(func.count(ContentVersion.id))) == 13


def test_a_changed_instrument_gets_a_new_version_and_the_old_one_stays(app, tree):
    services.load_tree(tree)
    [first] = versions_of("instrument", "soft-skills")
    before = first.content
    path = tree / "soft-skills.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "time_limit_minutes: 50", "time_limit_minutes: 55"
        ),
        encoding="utf-8",
    )
    report = services.load_tree(tree)
    assert [(v.document.key, v.number) for v in report.published] == [("soft-skills", 2)]
    old, new = versions_of("instrument", "soft-skills")
    assert old.content == before and old.content["time_limit_minutes"] == 50
    assert new.content["time_limit_minutes"] == 55


def test_a_changed_framework_recompiles_the_instruments_built_on_it(app, tree):
    services.load_tree(tree)
    path = tree / "frameworks" / "soft-skills.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: Коммуникация", "title: Коммуникация и диалог", 1), encoding="utf-8"
    )
    report = services.load_tree(tree)
    published = sorted((v.document.kind, v.document.key, v.number) for v in report.published)
    assert published == [("framework", "soft-skills", 2), ("instrument", "soft-skills", 2)]
    newest = compiled(versions_of("instrument", "soft-skills")[-1])
    assert newest.competences["communication"].title == "Коммуникация и диалог"
    oldest = compiled(versions_of("instrument", "soft-skills")[0])
    assert oldest.competences["communication"].title == "Коммуникация"


def test_a_published_version_cannot_be_changed(app):
    services.load_tree(SHIPPED)
    [version] = versions_of("instrument", "soft-skills")
    version.content = {**version.content, "title": "Подмена"}
    with pytest.raises(ImmutableVersionError):
        db.session.commit()
    db.session.rollback()


def test_files_with_errors_load_nothing(app, tree):
    shutil.copy(BROKEN / "too-few-items.yaml", tree / "broken.yaml")
    with pytest.raises(services.ContentErrors) as caught:
        services.load_tree(tree)
    assert any("broken.yaml" in str(error) for error in caught.value.errors)
    assert db.session.scalar(select(func.count(ContentVersion.id))) == 0


def test_cli_validate_reports_every_error_with_file_and_line(runner):
    good = runner.invoke(args=["instruments", "validate"])
    assert good.exit_code == 0, good.output
    assert "13 object(s)" in good.output
    bad = runner.invoke(args=["instruments", "validate", str(BROKEN / "many-defects.yaml")])
    assert bad.exit_code == 1
    lines = [line for line in bad.output.splitlines() if line.startswith("many-defects.yaml:")]
    assert len(lines) >= 10
    assert all(line.split(":")[1].isdigit() for line in lines)


@pytest.mark.parametrize(
    "part",
    ["frameworks", "frameworks/soft-skills.yaml", "scales", "soft-skills.yaml", "."],
)
def test_cli_validate_resolves_references_from_the_instruments_tree(runner, tree, part):
    # Run from elsewhere: references come from the tree the path is in, not the working folder.
    result = runner.invoke(args=["instruments", "validate", str(tree / part)])
    assert result.exit_code == 0, result.output
    assert "не найдена" not in result.output and "no errors" in result.output


def test_cli_validate_of_a_subfolder_still_reports_its_own_errors(runner, tree):
    path = tree / "frameworks" / "soft-skills.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("levels: levels-4", "levels: levels-9"),
        encoding="utf-8",
    )
    result = runner.invoke(args=["instruments", "validate", str(tree / "frameworks")])
    assert result.exit_code == 1
    assert "soft-skills.yaml" in result.output and "levels-9" in result.output


def test_cli_load_and_export(runner, tmp_path):
    result = runner.invoke(args=["instruments", "load"])
    assert result.exit_code == 0, result.output
    assert "13 published, 0 unchanged" in result.output
    assert "0 published, 13 unchanged" in runner.invoke(args=["instruments", "load"]).output
    out = tmp_path / "soft.yaml"
    exported = runner.invoke(args=["instruments", "export", "soft-skills", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8").startswith("instrument: soft-skills\n")
    missing = runner.invoke(args=["instruments", "export", "no-such-thing"])
    assert missing.exit_code == 1
    assert (
        db.session.scalar(
            select(func.count(ContentVersion.id)).where(
                ContentVersion.status == VersionStatus.DRAFT
            )
        )
        == 0
    )


def portal_edit(key="soft-skills", title="Правка методиста"):
    """Publish a new version of an instrument as the editor does."""
    [version] = versions_of("instrument", key)
    document = version.document
    draft = services.start_draft(document, None)
    services.save_draft(draft, {**draft.content, "title": title})
    services.publish_draft(draft, None)
    return versions_of("instrument", key)[-1]


def test_loading_files_keeps_a_version_published_in_the_portal(runner, tree):
    services.load_tree(tree)
    edited = portal_edit()
    assert (edited.number, edited.source) == (2, "editor")
    # The file changes too: still the portal's version stays the newest.
    path = tree / "soft-skills.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "time_limit_minutes: 50", "time_limit_minutes: 55"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["instruments", "load", str(tree)])
    assert result.exit_code == 0, result.output
    assert "skipped instrument soft-skills: v2 was published in the portal" in result.output
    assert result.output.startswith("skipped") and "0 published" in result.output
    assert result.output.rstrip().endswith("1 skipped")
    assert [v.title for v in versions_of("instrument", "soft-skills")][-1] == "Правка методиста"
    # Other files still load.
    other = tree / "russian-teacher.yaml"
    other.write_text(
        other.read_text(encoding="utf-8").replace(
            "time_limit_minutes: ", "time_limit_minutes: 1", 1
        ),
        encoding="utf-8",
    )
    assert (
        "published instrument russian-teacher v2"
        in runner.invoke(args=["instruments", "load", str(tree)]).output
    )


def test_force_publishes_the_file_over_the_portal_version(runner, tree):
    services.load_tree(tree)
    portal_edit()
    forced = runner.invoke(args=["instruments", "load", str(tree), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "published instrument soft-skills v3" in forced.output
    latest = versions_of("instrument", "soft-skills")[-1]
    assert latest.source.startswith("file:") and latest.title != "Правка методиста"
    # After a forced load the file is the reference again: the next load skips nothing.
    assert "skipped" not in runner.invoke(args=["instruments", "load", str(tree)]).output


def test_seed_demo_warns_instead_of_reverting(runner, app):
    services.load_tree(SHIPPED)
    portal_edit()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "skipped instrument soft-skills" in result.output
    assert versions_of("instrument", "soft-skills")[-1].title == "Правка методиста"
