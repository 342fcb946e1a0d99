"""Fast, validating parser for the UCI benchmark CSV text.

The UCI HIGGS and SUSY files write every value as ``%.18e`` (for example
``-1.234567890123456789e-01``). :func:`parse_block` reads such text with a
vectorised fixed-layout decoder (no Python per value) and falls back to a
general numeric parser for any other spelling, so a re-saved file still loads.
Errors name the line and say what is wrong.
"""

from __future__ import annotations

import io

import numpy as np

_COMMA, _NEWLINE = ord(","), ord("\n")
# value = mantissa * 10**exponent for a two-digit exponent in [-99, 99]
_POW10 = 10.0 ** np.arange(-99, 100, dtype=np.float64)
_ONES = np.uint64(0x0101010101010101)


def _bytes_are_digits(words: np.ndarray) -> bool:
    """True when all 8 bytes of every uint64 word are ASCII digits (SWAR test)."""
    high = np.uint64(0xF0) * _ONES
    threes = np.uint64(0x30) * _ONES
    return bool(((words & high) == threes).all() and (((words + np.uint64(6) * _ONES) & high) == threes).all())


def _eight_digits(words: np.ndarray) -> np.ndarray:
    """Integer value of 8 ASCII digits packed little-endian in each uint64 (SWAR)."""
    x = words & (np.uint64(0x0F) * _ONES)
    x = ((x * np.uint64(10)) + (x >> np.uint64(8))) & np.uint64(0x00FF00FF00FF00FF)
    x = ((x * np.uint64(100)) + (x >> np.uint64(16))) & np.uint64(0x0000FFFF0000FFFF)
    return ((x * np.uint64(10000)) + (x >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


class CSVFormatError(ValueError):
    """A row of a CSV file is malformed; the message names file and line."""


def _fast_decode(a: np.ndarray, ends: np.ndarray) -> np.ndarray | None:
    """Decode fields ending at ``ends`` written as ``[-]d.dddddddddddddddddde[+-]dd``.

    Returns ``None`` when any field does not have that exact layout.
    """
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    negative = a[starts] == ord("-")
    if not np.array_equal(ends - starts, 24 + negative):
        return None
    # Drop separators and leading minus signs: every field is then 24 bytes wide.
    keep = np.ones(len(a), dtype=bool)
    keep[ends] = False
    keep[starts[negative]] = False
    fields = a[keep].reshape(len(ends), 24)
    lead = fields[:, 0] - np.uint8(48)
    exp_digits = fields[:, 22:24] - np.uint8(48)
    sign = fields[:, 21]
    if not (
        (lead <= 9).all() and (exp_digits <= 9).all()
        and (fields[:, 1] == ord(".")).all() and (fields[:, 20] == ord("e")).all()
        and ((sign == ord("+")) | (sign == ord("-"))).all()
    ):
        return None
    words = np.ascontiguousarray(fields[:, 2:18]).view("<u8")  # 16 fraction digits
    if not _bytes_are_digits(words) or not ((fields[:, 18:20] - np.uint8(48)) <= 9).all():  # and the last two
        return None
    fraction = _eight_digits(words[:, 0]).astype(np.float64) * 1e-8
    fraction += _eight_digits(words[:, 1]).astype(np.float64) * 1e-16
    exponent = exp_digits[:, 0].astype(np.int64) * 10 + exp_digits[:, 1]
    exponent = np.where(sign == ord("-"), -exponent, exponent)
    values = (lead + fraction) * _POW10[exponent + 99]
    np.negative(values, out=values, where=negative)
    return values


def _general_decode(block: bytes, n_columns: int, path: str, first_line: int) -> np.ndarray:
    """Parse ``block`` with numpy's C reader; on failure find and name the bad line."""
    try:
        # comments=None: a '#' is not a comment here ('5.0#junk' and '#...' lines are errors, not dropped)
        out = np.loadtxt(io.BytesIO(block), delimiter=",", dtype=np.float64, ndmin=2, comments=None)
        if out.shape[1] == n_columns:
            return out
    except ValueError:
        pass
    for offset, line in enumerate(block.splitlines()):
        lineno = first_line + offset
        fields = line.split(b",")
        if len(fields) != n_columns:
            raise CSVFormatError(
                f"{path}: line {lineno}: expected {n_columns} columns, found {len(fields)}"
            )
        for column, field in enumerate(fields):
            try:
                float(field)
            except ValueError:
                raise CSVFormatError(
                    f"{path}: line {lineno}, column {column}: not a number: {field[:40]!r}"
                ) from None
    raise CSVFormatError(f"{path}: lines {first_line}+: could not parse block")


def _check_column_count(a: np.ndarray, ends: np.ndarray, newlines: np.ndarray,
                        n_columns: int, path: str, first_line: int) -> None:
    if len(ends) == len(newlines) * n_columns and np.array_equal(ends[n_columns - 1 :: n_columns], newlines):
        return
    is_newline = a[ends] == _NEWLINE
    line_of_field = np.cumsum(is_newline) - is_newline
    counts = np.bincount(line_of_field, minlength=len(newlines))
    bad = int(np.flatnonzero(counts != n_columns)[0])
    raise CSVFormatError(
        f"{path}: line {first_line + bad}: expected {n_columns} columns, found {counts[bad]}"
    )


def parse_block(block: bytes, n_columns: int, path: str = "<input>", first_line: int = 1) -> np.ndarray:
    """Parse complete CSV lines (``block`` ends with a newline) into a float64 array.

    ``first_line`` is the 1-based line number of the block's first line, used in errors.
    """
    if not block:
        return np.empty((0, n_columns))
    a = np.frombuffer(block, dtype=np.uint8)
    if a[-1] != _NEWLINE:
        raise ValueError("parse_block needs complete lines ending with a newline")
    if (a == ord("\r")).any():
        a = a[a != ord("\r")]
        block = a.tobytes()
    ends = np.flatnonzero((a == _COMMA) | (a == _NEWLINE))
    newlines = np.flatnonzero(a == _NEWLINE)
    _check_column_count(a, ends, newlines, n_columns, path, first_line)
    values = _fast_decode(a, ends)
    return _general_decode(block, n_columns, path, first_line) if values is None \
        else values.reshape(len(newlines), n_columns)
