"""Filling Word templates: the one module importing docxtpl.

Templates are ordinary .docx files with Jinja tags that a user can open and restyle in Word. They
render in a sandboxed Jinja environment with autoescaping, because users edit templates and spreadsheet
text is data: a cell holding ``{{ x }}``, ``&`` or ``<`` comes out literally and never runs. An undefined
variable is an error naming the template and the variable, not a silently blank field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from packbuilder.errors import TemplateError


def long_date(value: dt.date | None) -> str:
    return "" if value is None else f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: dt.date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def clock(value: dt.time | None) -> str:
    """Times as committee papers write them: 2.00 pm, 10 am."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}.{value.minute:02d} {suffix}" if value.minute else f"{hour} {suffix}"


def pounds(value: Decimal | int | None, pence: bool | None = None) -> str:
    """£160,200 (whole pounds) or £1,234.50 (pence shown when there are any, or when asked)."""
    if value is None:
        return ""
    amount = Decimal(value)
    show_pence = pence if pence is not None else amount != amount.to_integral_value()
    text = f"{abs(amount):,.2f}" if show_pence else f"{abs(amount):,.0f}"
    return f"-£{text}" if amount < 0 else f"£{text}"


FILTERS = {"long_date": long_date, "short_date": short_date, "clock": clock, "pounds": pounds}


def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    return env


def render(template: Path, context: Mapping[str, Any], out: Path) -> Path:
    """Render `template` with `context` into `out` (.docx).

    Raises:
        TemplateError: naming the template, and the tag or variable at fault.
    """
    from docxtpl import DocxTemplate  # imported here: the one module that owns docxtpl

    try:
        doc = DocxTemplate(str(template))
        doc.render(dict(context), jinja_env=environment(), autoescape=True)
        doc.save(str(out))
    except jinja2.UndefinedError as exc:
        name = _undefined_name(str(exc))
        raise TemplateError(
            f"the template uses {name}, which the workbook does not provide; correct the tag in the "
            "template or add the value",
            template,
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template syntax error: {exc.message} (line {exc.lineno} of the document's XML); "
            "open the template in Word and check the {{ }} and {% %} tags around there",
            template,
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"the template tries something unsafe and was stopped: {exc}", template) from None
    except (KeyError, ValueError, OSError) as exc:
        if "zip" in str(exc).lower() or isinstance(exc, KeyError):
            raise TemplateError(
                "the template is not a readable Word document; open it in Word and save it as .docx",
                template,
            ) from None
        raise
    return out


def _undefined_name(message: str) -> str:
    m = re.search(r"'([^']+)' is undefined", message)
    if m:
        return repr(m.group(1))
    m = re.search(r"has no attribute '([^']+)'", message)
    if m:
        return repr(m.group(1))
    return message
