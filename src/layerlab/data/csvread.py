"""Reading CSV/TSV files and pasted text into a pandas DataFrame, fast (pyarrow) and strict.

The delimiter is sniffed (comma, semicolon, tab, pipe), a header row is detected (a first
row of names above columns of numbers), numbers with a decimal comma (German Excel's "5,1;3,5")
are read as numbers, common missing markers (empty, NA, N/A, ?, null)
become missing values, and ragged rows are refused with their line number.

>>> df = read_table(text="x,y,label\\n1,2,a\\n3,,b\\n")
>>> list(df.columns), int(df["y"].isna().sum())
(['x', 'y', 'label'], 1)
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ..i18n import msg
from ..spec.errors import SpecError

TABLE_EXTS = (".csv", ".tsv", ".txt", ".tab")
NULLS = ["", "NA", "N/A", "n/a", "na", "NaN", "nan", "null", "NULL", "None", "?", "-"]
_SNIFF_BYTES = 64 * 1024


def _is_number(s: str) -> bool:
    try:
        float(s.replace(",", ".") if s.count(",") == 1 and "." not in s else s)
        return True
    except ValueError:
        return False


_COMMA_DECIMAL = re.compile(r"-?\d+,\d+")
_POINT_DECIMAL = re.compile(r"-?\d*\.\d+")


def decimal_comma(sample: str, sep: str) -> bool:
    """Whether a table's numbers are written with a decimal comma, as German Excel writes them ("5,1;3,5").

    Only where the comma is not the delimiter, and only when no cell of the sample writes a decimal point.

    >>> decimal_comma("a;b\\n5,1;3,5\\n", ";"), decimal_comma("a;b\\n5.1;3,5\\n", ";"), decimal_comma("a,b\\n5,1\\n", ",")
    (True, False, False)
    """
    if sep == ",":
        return False
    cells = [c.strip() for row in csv.reader(sample.splitlines()[:200], delimiter=sep) for c in row]
    return any(_COMMA_DECIMAL.fullmatch(c) for c in cells) and not any(_POINT_DECIMAL.fullmatch(c) for c in cells)


def sniff(sample: str, where: str, hint_sep: str | None = None) -> tuple[str, bool]:
    """(delimiter, has_header) of a text sample."""
    lines = [ln for ln in sample.splitlines() if ln.strip()][:50]
    if not lines:
        raise SpecError(where, msg("is empty: there are no rows to learn from"), msg("an empty file"),
                        msg("give a table with a header row and at least two rows of data"))
    sep = hint_sep
    if sep is None:
        try:
            sep = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
        except csv.Error:
            counts = {d: lines[0].count(d) for d in (",", ";", "\t", "|")}
            sep = max(counts, key=counts.get) if max(counts.values()) else ","
    rows = list(csv.reader(lines, delimiter=sep))
    first, rest = rows[0], rows[1:]
    first_numeric = any(_is_number(c.strip()) for c in first if c.strip())
    rest_numeric = any(_is_number(c.strip()) for r in rest for c in r if c.strip())
    if first_numeric:
        header = False
    elif rest_numeric:
        header = True
    else:  # text everywhere: names are distinct and none repeats in the rows below
        col_values = [{r[i] for r in rest if i < len(r)} for i in range(len(first))]
        header = len(set(first)) == len(first) and not any(first[i] in col_values[i] for i in range(len(first)))
    return sep, header


def _ragged_line(data: bytes, sep: str, where: str, header: bool) -> SpecError:
    """Find the first row whose field count differs from the first row's."""
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace")), delimiter=sep)
    expected = None
    for lineno, row in enumerate(reader, 1):
        if not row:
            continue
        if expected is None:
            expected = len(row)
        elif len(row) != expected:
            return SpecError(where, msg("has a row with {fields} fields where the first row has {expected} "
                                        "(line {line})", fields=len(row), expected=expected, line=lineno),
                             sep.join(row)[:120],
                             msg("make every row have {expected} fields; quote values that contain {sep!r}",
                                 expected=expected, sep=sep))
    return SpecError(where, msg("could not be read as a table"), None, msg("check the delimiter and quoting"))


def read_table(path: Path | None = None, text: str | None = None, where: str = "data.params.path",
               header: str = "auto", delimiter: str = "auto") -> pd.DataFrame:
    """A DataFrame of a CSV/TSV file or of pasted text; errors name the file and line."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    if text is not None:
        data = text.encode("utf-8")
    else:
        assert path is not None
        if path.suffix.lower() not in TABLE_EXTS:
            raise SpecError(where, msg("is not a supported table format"), path.name,
                            msg("save the table as CSV or TSV (in Excel or LibreOffice: File > Save As > CSV)"))
        data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # the byte-order mark Excel writes
    try:
        sample = data[:_SNIFF_BYTES].decode("utf-8")
    except UnicodeDecodeError:
        sample = data[:_SNIFF_BYTES].decode("latin-1")
        data = data.decode("latin-1").encode("utf-8")
    hint_sep = {"auto": None, "tab": "\t"}.get(delimiter, delimiter)
    if hint_sep is None and path is not None and path.suffix.lower() in (".tsv", ".tab"):
        hint_sep = "\t"
    sep, has_header = sniff(sample, where, hint_sep)
    if header != "auto":
        has_header = header == "yes"
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=not has_header, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(null_values=NULLS, strings_can_be_null=True,
                                                 decimal_point="," if decimal_comma(sample, sep) else "."))
    except pa.ArrowInvalid as e:
        if "Expected" in str(e) and "columns" in str(e):
            raise _ragged_line(data, sep, where, has_header) from None
        if "Empty CSV" in str(e):
            raise SpecError(where, msg("is empty: there are no rows to learn from"), msg("an empty file"),
                            msg("give a table with a header row and at least two rows of data")) from None
        raise SpecError(where, msg("could not be read as a table"), str(e)[:120],
                        msg("save it as UTF-8 CSV with one header row")) from None
    df = table.to_pandas()
    if not has_header:
        df.columns = [f"column_{i + 1}" for i in range(df.shape[1])]
    if len(df) == 0:
        raise SpecError(where, msg("has a header but no rows of data"), list(map(str, df.columns))[:10],
                        msg("add at least two rows of data below the header"))
    return df
