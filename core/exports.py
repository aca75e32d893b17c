"""Streamed CSV and XLSX downloads of public lists (API.md: ``?format=csv|xlsx``).

Both hold one row at a time, not the list: CSV is written line by line by a generator
response; XLSX goes through openpyxl's write-only workbook into a temporary file (a ZIP
cannot be written as a stream) that is then sent in chunks and deleted.

Anyone can put text into a public list (a beneficiary's name is what a buyer typed), and a
spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(…)`` in a journalist's download; OWASP "CSV injection"). XLSX cells holding
text are therefore written as text cells, never formulas; in CSV, which has no types,
such a text gets a leading apostrophe, as spreadsheet programs themselves write it.
"""

import csv
import io
import os
import tempfile
from decimal import Decimal

from flask import Response, stream_with_context

FORMATS = ("csv", "xlsx")
CHUNK = 64 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_responses(page_schema: str) -> dict:
    """The OpenAPI 200 of a list route with ``?format=``: the JSON page (component
    ``page_schema``) or one of the files (``@blp.doc(responses=export_responses(…))``)."""
    return {"200": {"content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{page_schema}"}},
        "text/csv": {"schema": {"type": "string"}},
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
    }}}


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A text cell as a spreadsheet program reads it literally (numbers are left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows) -> Response:
    """``rows`` is an iterable of lists (a ``Decimal`` is written as it prints); the file starts with a UTF-8 BOM so that
    spreadsheet programs read Chinese text correctly."""

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        yield "\ufeff" + buffer.getvalue()
        for row in rows:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([csv_text(value) for value in row])
            yield buffer.getvalue()

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": _disposition(f"{filename}.csv")})


def _number_cell(worksheet, value: Decimal):
    """A ``Decimal`` as a number cell showing as many decimals as it has (``0.500`` stays
    ``0.500``, and sums as a number)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=value)
    places = max(-value.as_tuple().exponent, 0)
    cell.number_format = "0." + "0" * places if places else "0"
    return cell


def _text_cell(worksheet, value: str):
    """Text as a text cell: openpyxl would store ``=…`` as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"
    return cell


def _xlsx_cell(worksheet, value):
    if isinstance(value, Decimal):
        return _number_cell(worksheet, value)
    if isinstance(value, str) and value.startswith("="):
        return _text_cell(worksheet, value)
    return value


def xlsx_response(filename: str, header: list[str], rows, sheet: str = "data") -> Response:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(header)
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    workbook.save(path)

    def chunks():
        try:
            with open(path, "rb") as file:
                while chunk := file.read(CHUNK):
                    yield chunk
        finally:
            os.unlink(path)

    return Response(chunks(), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": _disposition(f"{filename}.xlsx"),
                             "Content-Length": str(os.path.getsize(path))})


def export_response(fmt: str, filename: str, header: list[str], rows) -> Response:
    return (csv_response if fmt == "csv" else xlsx_response)(filename, header, rows)
