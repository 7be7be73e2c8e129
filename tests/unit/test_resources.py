"""Excel and CSV: officials export, edit and import the tables, previewed by row, applied all or nothing."""

import io
import re
import zipfile

import pytest
import tablib
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from layout.models import Cluster, Project, Scenario, Source
from tests.unit.conftest import JIADING, XUHUI, cluster_in, every_field, messages_of
from tests.unit.import_files import (
    CONTENT,
    CSV,
    XLSX,
    confirm,
    dry_run,
    dry_run_file,
    export,
    exported_response,
    offers_to_confirm,
    preview_changes,
    preview_rows,
    refused_rows,
    typed_table,
)


@pytest.mark.parametrize("file_format", [XLSX, CSV], ids=["xlsx", "csv"])
@pytest.mark.parametrize("model", [Cluster, Scenario, Project], ids=lambda m: m.__name__)
def test_export_then_import_unchanged_changes_nothing(officials, model, file_format):
    before = every_field(model)
    table = export(officials["admin"], model, file_format)
    assert len(table) == model.objects.count()
    preview = dry_run(officials["admin"], model, table, file_format)
    assert offers_to_confirm(preview)
    assert preview_rows(preview) == ["Skipped"] * len(table)
    confirm(officials["admin"], model, preview)
    assert every_field(model) == before


def test_cluster_table_uses_officials_units_and_round_trips_an_edit(officials):
    table = export(officials["admin"], Cluster, XLSX)
    assert "space_wan_m2" in table.headers and "investment_yi_cny" in table.headers
    assert "space_m2" not in table.headers  # one unit per figure in the export: no two columns to disagree
    by_slug = {row["slug"]: row for row in table.dict}
    xuhui, zhangjiang = cluster_in(XUHUI), Cluster.objects.get(number=1)
    assert str(by_slug[xuhui.slug]["space_wan_m2"]) == "10"  # 10万方
    assert str(by_slug[zhangjiang.slug]["space_wan_m2"]) == "375"
    assert by_slug[xuhui.slug]["investment_yi_cny"] in ("", None)  # not published stays empty, never 0

    row = table.headers.index("space_wan_m2")
    index = [r["slug"] for r in table.dict].index(xuhui.slug)
    values = list(table[index])
    values[row] = "12.5"
    table[index] = values
    preview = dry_run(officials["admin"], Cluster, table, XLSX)
    assert preview_rows(preview).count("Update") == 1
    # The preview shows each changed cell, old struck out: here in 万平方米 and in m².
    [changed] = preview_changes(preview)
    assert changed["slug"] == (xuhui.slug, xuhui.slug)
    assert changed["space_wan_m2"] == ("10", "12.5")
    assert changed["space_m2"] == ("100000", "125000")
    confirm(officials["admin"], Cluster, preview)
    assert Cluster.objects.get(pk=xuhui.pk).space_m2 == 125_000


def test_figures_may_be_given_in_base_units_or_officials_units_but_must_agree(officials):
    xuhui = cluster_in(XUHUI)
    base = dry_run(officials["admin"], Cluster, typed_table(["slug", "space_m2"], [xuhui.slug, "130000"]), CSV)
    confirm(officials["admin"], Cluster, base)
    assert Cluster.objects.get(pk=xuhui.pk).space_m2 == 130_000
    both = dry_run(
        officials["admin"],
        Cluster,
        typed_table(["slug", "space_wan_m2", "space_m2"], [xuhui.slug, "13", "140000"]),
        CSV,
    )
    assert not offers_to_confirm(both)
    assert "disagree: fill only one" in both.content.decode()


def test_errors_are_shown_by_row_and_nothing_is_imported(officials):
    xuhui, jiading = cluster_in(XUHUI), cluster_in(JIADING)
    source = Source.objects.get(key="article-2025-03-25")
    table = typed_table(
        ["slug", "name_en", "space_wan_m2", "space_source", "district"],
        [xuhui.slug, "A good change", "10", source.key, XUHUI],
        [jiading.slug, jiading.name_en, "-5", source.key, JIADING],
        [Cluster.objects.get(number=1).slug, "Zhangjiang", "375", source.key, "999999"],
        [Cluster.objects.get(number=2).slug, "Jing'an", "5000000", source.key, "310106"],
    )
    before = every_field(Cluster)
    preview = dry_run(officials["admin"], Cluster, table, CSV)
    assert not offers_to_confirm(preview)
    refused = {number: " ".join(reasons) for number, reasons in refused_rows(preview).items()}
    assert set(refused) == {2, 3, 4}
    assert "-5 万平方米 is not a figure a source can publish" in refused[2]
    assert "no district with adcode '999999'" in refused[3]
    assert "not a plausible space" in refused[4] and "1 万平方米 = 10,000 m²" in refused[4]
    html = preview.content.decode()
    assert "Some rows failed to validate" in html and "is not a figure a source can publish" in html
    assert every_field(Cluster) == before  # not even the good first row


def test_a_confirmed_import_that_fails_meanwhile_applies_nothing(officials):
    xuhui, jiading = cluster_in(XUHUI), cluster_in(JIADING)
    Source.objects.create(key="temporary", title="A source deleted before the import is confirmed")
    table = typed_table(
        ["slug", "name_en", "space_wan_m2", "space_source"],
        [xuhui.slug, "Changed first", "11", "article-2025-03-25"],
        [jiading.slug, jiading.name_en, "3", "temporary"],
    )
    preview = dry_run(officials["admin"], Cluster, table, CSV)
    assert offers_to_confirm(preview)
    Source.objects.filter(key="temporary").delete()
    before = every_field(Cluster)
    done = confirm(officials["admin"], Cluster, preview)
    assert any("Nothing was imported" in m and "row 2" in m for m in messages_of(done))
    assert every_field(Cluster) == before


def test_a_district_editors_import_to_a_published_record_is_a_draft(officials):
    jiading = cluster_in(JIADING)
    preview = dry_run(
        officials["jiading"], Cluster, typed_table(["slug", "name_en"], [jiading.slug, "Imported name"]), CSV
    )
    confirm(officials["jiading"], Cluster, preview)
    live = Cluster.objects.get(pk=jiading.pk)
    assert live.name_en == jiading.name_en and live.draft["values"] == {"name_en": "Imported name"}
    assert live.draft["by"] == "jiading-editor"


def test_new_rows_are_imported_as_drafts(officials):
    table = typed_table(
        ["id", "title_zh", "title_en", "cluster", "source"],
        ["", "新场景", "New scenario", cluster_in(JIADING).slug, "article-2025-03-25"],
    )
    preview = dry_run(officials["jiading"], Scenario, table, CSV)
    assert preview_rows(preview) == ["New"]
    confirm(officials["jiading"], Scenario, preview)
    scenario = Scenario.objects.get(title_zh="新场景")
    assert scenario.cluster == cluster_in(JIADING) and not scenario.is_published


FORMULA = '=HYPERLINK("http://evil.example/","click")'


def test_a_formula_typed_in_a_field_is_exported_as_text_and_imports_back_unchanged(officials):
    cluster = cluster_in(JIADING)
    Cluster.objects.filter(pk=cluster.pk).update(name_en=FORMULA, lead_track_en="+1+1", description_en="@SUM(A1)")
    xlsx = exported_response(officials["admin"], Cluster, XLSX).content
    book = load_workbook(io.BytesIO(xlsx))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value in (FORMULA, "+1+1", "@SUM(A1)")]
    assert len(cells) == 3
    assert all(cell.data_type == "s" for cell in cells)  # a text cell, not a formula
    assert all(cell.quotePrefix for cell in cells)  # typed with an apostrophe: Excel keeps it text when edited
    text = exported_response(officials["admin"], Cluster, CSV).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1+1" in text and "'@SUM(A1)" in text
    assert not re.search(r'(^|,)"?=HYPERLINK', text, re.MULTILINE)
    before = every_field(Cluster)
    # The files as downloaded, and as a program re-saves them (tablib writes text starting with "=" as a
    # formula cell, with no result).
    uploads = [(xlsx, XLSX), (text.encode("utf-8"), CSV)]
    uploads += [(export(officials["admin"], Cluster, f).export(CONTENT[f]), f) for f in (XLSX, CSV)]
    for content, file_format in uploads:
        content = content.encode("utf-8") if isinstance(content, str) else content
        preview = dry_run_file(officials["admin"], Cluster, content, file_format)
        assert offers_to_confirm(preview) and refused_rows(preview) == {}
        assert preview_rows(preview) == ["Skipped"] * Cluster.objects.count()
    assert every_field(Cluster) == before
    assert Cluster.objects.get(pk=cluster.pk).name_en == FORMULA


def with_formula_results(xlsx, result):
    """The workbook as Excel saves a formula an official typed: the formula and its last result."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/>',
                    rb'<c r="\1"\2 t="str"><f>\3</f><v>' + result.encode() + rb"</v>",
                    data,
                )
            target.writestr(item, data)
    return out.getvalue()


def test_a_formula_an_official_types_in_excel_is_imported_as_typed_not_as_its_result(officials):
    cluster = cluster_in(JIADING)
    book = load_workbook(io.BytesIO(exported_response(officials["admin"], Cluster, XLSX).content))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[headers.index("slug")].value == cluster.slug)
    row[headers.index("name_en")].value = FORMULA  # a formula cell, as Excel stores what was typed
    out = io.BytesIO()
    book.save(out)
    xlsx = with_formula_results(out.getvalue(), "click")
    cached = load_workbook(io.BytesIO(xlsx), data_only=True).active
    assert "click" in [cell.value for row in cached.iter_rows() for cell in row]
    preview = dry_run_file(officials["admin"], Cluster, xlsx, XLSX)
    assert offers_to_confirm(preview) and refused_rows(preview) == {}
    assert preview_rows(preview).count("Update") == 1
    confirm(officials["admin"], Cluster, preview)
    assert Cluster.objects.get(pk=cluster.pk).name_en == FORMULA


@pytest.mark.parametrize(
    ("tampered", "reason"),
    [
        ({"format": "7"}, "Unknown file format"),
        ({"format": "xlsx"}, "Unknown file format"),
        ({"import_file_name": "tmpgone123"}, "no longer on the server"),
        ({"import_file_name": "../../etc/passwd"}, "not a file the preview stored"),
        ({"import_file_name": "/etc/hostname"}, "not a file the preview stored"),
    ],
)
def test_a_tampered_or_stale_confirmation_is_refused_with_a_reason(officials, tampered, reason):
    data = {"import_file_name": "tmpgone123", "original_file_name": "clusters.csv", "format": CSV, "resource": "0"}
    response = officials["admin"].post(
        reverse("admin:layout_cluster_process_import"), {**data, **tampered}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:layout_cluster_import")
    assert any("Nothing was imported" in message and reason in message for message in messages_of(response))


@pytest.mark.parametrize(("column", "value"), [("published_scenario_count", "abc"), ("number", "x1")])
def test_a_cell_that_is_not_a_number_is_named_in_a_sentence(officials, column, value):
    table = tablib.Dataset([cluster_in(JIADING).slug, value], headers=["slug", column])
    response = dry_run(officials["admin"], Cluster, table, CSV)
    errors = [reason for reasons in refused_rows(response).values() for reason in reasons]
    assert any(f"“{value}” is not a number." in error for error in errors), errors
    assert not any("ConversionSyntax" in error for error in errors)


def test_a_formula_in_a_number_cell_is_refused_in_a_sentence_not_calculated(officials):
    book = Workbook()
    book.active.append(["slug", "space_wan_m2"])
    book.active.append([cluster_in(JIADING).slug, "=1+2"])  # a formula cell, as Excel saves what was typed
    out = io.BytesIO()
    book.save(out)
    preview = dry_run_file(officials["admin"], Cluster, out.getvalue(), XLSX)
    errors = [reason for reasons in refused_rows(preview).values() for reason in reasons]
    assert any("“=1+2” is a formula, which is not calculated" in error for error in errors), errors
