"""Tables as officials move them through the admin: a table typed in a spreadsheet, an export, an import's preview
and its confirmation, and a downloaded CSV file read back."""

import csv
import io

import tablib
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

XLSX, CSV = "0", "1"  # the admin's format choices, in TableAdmin's order
CONTENT = {XLSX: "xlsx", CSV: "csv"}


def typed_table(headers, *rows):
    """A table as an official types it in a spreadsheet: the header row, then the rows (saved as any format)."""
    return tablib.Dataset(*rows, headers=headers)


def exported_response(client, model, file_format):
    """The admin's answer to "Export" with every column ticked: the file as downloaded."""
    url = reverse(f"admin:layout_{model._meta.model_name}_export")
    form = client.get(url).context["form"]
    data = {field: "on" for field, f in form.fields.items() if isinstance(f, forms.BooleanField)}
    return client.post(url, {**data, "format": file_format, "resource": "0"})


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
    """The official's "Confirm import" on the preview, redirects followed."""
    confirm_form = preview.context.get("confirm_form")
    assert confirm_form is not None, "the preview refused the file"
    data = {name: confirm_form.initial.get(name, field.initial) for name, field in confirm_form.fields.items()}
    return client.post(
        reverse(f"admin:layout_{model._meta.model_name}_process_import"),
        {k: v for k, v in data.items() if v is not None},
        follow=True,
    )


def downloaded_csv_rows(response):
    """The rows of a downloaded CSV file, header row first, as a spreadsheet reads them."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
