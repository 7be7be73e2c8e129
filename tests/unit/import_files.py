"""Tables as officials move them through the admin: a table typed in a spreadsheet, an export, an import's preview
and its confirmation, and a downloaded CSV file read back."""

import csv
import io
import re
from html import unescape

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.unit.app_servers import form_fields
from tests.unit.conftest import shown_text

XLSX, CSV = "0", "1"  # the admin's format choices, in TableAdmin's order
CONTENT = {XLSX: "xlsx", CSV: "csv"}


def typed_table(headers, *rows):
    """A table as an official types it in a spreadsheet: the header row, then the rows (saved as any format)."""
    return tablib.Dataset(*rows, headers=headers)


def exported_response(client, model, file_format):
    """The admin's answer to "Export" in the format, every column ticked as the page offers them: the file as
    downloaded."""
    url = reverse(f"admin:layout_{model._meta.model_name}_export")
    shown = form_fields(client.get(url).content.decode(), action="")
    return client.post(url, {**shown, "format": file_format, "resource": "0"})


def export(client, model, file_format):
    """The model's table as the admin exports it, read back as a table."""
    response = exported_response(client, model, file_format)
    assert response.status_code == 200, response.content[:500]
    if file_format == XLSX:
        return tablib.Dataset().load(io.BytesIO(response.content), format="xlsx")
    return tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")


def dry_run(client, model, dataset, file_format):
    """The import's preview page of the table saved in the format."""
    content = dataset.export(CONTENT[file_format])
    return dry_run_file(client, model, content.encode("utf-8") if isinstance(content, str) else content, file_format)


def dry_run_file(client, model, content, file_format):
    """The import's preview page of a file's bytes."""
    upload = SimpleUploadedFile(f"table.{CONTENT[file_format]}", content)
    response = client.post(
        reverse(f"admin:layout_{model._meta.model_name}_import"),
        {"format": file_format, "import_file": upload, "resource": "0"},
    )
    assert response.status_code == 200
    return response


def confirm(client, model, preview):
    """The official's "Confirm import" on the preview (its form as shown), redirects followed."""
    assert offers_to_confirm(preview), "the preview refused the file"
    url = reverse(f"admin:layout_{model._meta.model_name}_process_import")
    return client.post(url, form_fields(preview.content.decode(), action=url), follow=True)


def offers_to_confirm(response):
    """Whether an import's preview shows the official the "Confirm import" button (it does not when any row is
    refused)."""
    return re.search(r'<input type="submit"[^>]*name="confirm"', response.content.decode()) is not None


def preview_rows(response):
    """What an import's preview says it would do with each valid row, as shown: "New", "Update", "Skipped"…"""
    cells = re.findall(r'<td class="import-type">(.*?)</td>', response.content.decode(), re.S)
    return [unescape(cell).strip() for cell in cells]


def preview_changes(response):
    """The rows an import's preview shows as new or changed, each {column: (before, after)} as the official reads
    it: a changed cell shows its old text struck out (<del>) and its new text marked (<ins>)."""
    html = response.content.decode()
    table = re.search(r'<table class="import-preview">(.*?)</table>', html, re.S)[1]
    columns = [shown_text(cell) for cell in re.findall(r"<th>(.*?)</th>", table, re.S)][1:]
    changed = []
    for kind, row in re.findall(r'<tr class="(\w+)">(.*?)</tr>', table, re.S):
        if kind not in ("new", "update"):
            continue
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        changed.append(
            {
                column: (
                    shown_text(re.sub(r"<ins[^>]*>.*?</ins>", "", cell)),
                    shown_text(re.sub(r"<del[^>]*>.*?</del>", "", cell)),
                )
                for column, cell in zip(columns, cells, strict=True)
            }
        )
    return changed


def refused_rows(response):
    """{row number: [the reasons shown]} of the rows an import's preview refuses: the table of rows that failed to
    validate, and the list of rows the import failed on ("Line number: 2 - …")."""
    html = response.content.decode()
    refused = {}
    for number, errors in re.findall(r'<tr>\s*<td>(\d+)\s*</td>\s*<td class="errors">(.*?)</td>', html, re.S):
        reasons = re.findall(r"<ul>\s*((?:<li>.*?</li>\s*)+)</ul>", errors, re.S)
        refused[int(number)] = [
            shown_text(item) for found in reasons for item in re.findall(r"<li>(.*?)</li>", found, re.S)
        ]
    for number, reason in re.findall(
        r'<div class="import-error-display-message">[^:<]*: (\d+) - (.*?)</div>', html, re.S
    ):
        refused.setdefault(int(number), []).append(shown_text(reason))
    return refused


def downloaded_csv_rows(response):
    """The rows of a downloaded CSV file, header row first, as a spreadsheet reads them."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
