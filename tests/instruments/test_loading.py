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
