"""Word to PDF: the converter interface, LibreOffice headless behind it, and a conversion cache.

The rest of packbuilder sees only `Converter` (`protocol`) and gets one from `open_converter`:

    with open_converter(prestart=True) as converter:
        pdfs = converter.convert(documents, outdir, sources=sources)
        converter.stats()  # ConversionStats(converted=..., cached=...)

The modules, one job each:

- `protocol`: the `Converter` interface and `ConversionStats`.
- `libreoffice`: LibreOffice headless as a Converter: batching over one or two processes, hung and
  crashed processes killed and restarted once, errors naming the user's file or a full disk.
- `process`: one LibreOffice process group, started so that it dies with the build.
- `profiles`: the pool of LibreOffice user profiles kept between builds, locked while in use.
- `sandbox`: the empty network namespace LibreOffice converts in.
- `gotenberg`: the Gotenberg conversion service (HTTP) as a Converter, when settings name one.
- `cache`: the content-keyed cache wrapped around a converter.
- `warm`: LibreOffice kept running between builds for long-running callers (`open_converter(warm=
  True)`), supervised; `uno_worker` is the helper it drives LibreOffice through.
"""

from __future__ import annotations

from packbuilder.convert.cache import CachingConverter, content_digest
from packbuilder.convert.libreoffice import (
    PARALLEL_MIN_DOCUMENTS,
    PDF_FILTER,
    WARM_LIMIT,
    LibreOffice,
)
from packbuilder.convert.process import find_soffice
from packbuilder.convert.profiles import kept_profile
from packbuilder.convert.protocol import (
    ConversionStats,
    Converter,
    abort_conversions,
    converted_before,
    handed_over,
    listener,
    on_handover,
    on_ready,
    share_machine,
)
from packbuilder.convert.sandbox import no_network_prefix
from packbuilder.convert.warm import WarmLibreOffice
from packbuilder.errors import ConversionError
from packbuilder.settings import Settings
from packbuilder.settings import settings as _settings

__all__ = [
    "PARALLEL_MIN_DOCUMENTS",
    "PDF_FILTER",
    "WARM_LIMIT",
    "CachingConverter",
    "ConversionStats",
    "Converter",
    "LibreOffice",
    "content_digest",
    "find_soffice",
    "kept_profile",
    "WarmLibreOffice",
    "abort_conversions",
    "converted_before",
    "handed_over",
    "listener",
    "no_network_prefix",
    "on_handover",
    "on_ready",
    "open_converter",
    "share_machine",
]


def open_converter(
    *,
    cache: bool = True,
    prestart: bool = False,
    warm: bool = False,
    settings: Settings | None = None,
) -> Converter:
    """The converter a build uses: LibreOffice, or the Gotenberg service when the settings name
    one (``PACKBUILDER_GOTENBERG_URL``), behind the cache unless `cache` is False.

    With `prestart`, LibreOffice starts now, so that its start overlaps the caller's own work;
    close the converter (or use it in a ``with`` block) to stop it if no conversion comes.

    With `warm`, LibreOffice is kept running between conversions until the converter is closed:
    for a caller that lives longer than one build and passes the same converter to every
    ``build(..., converter=...)`` (docs/warm-converter.md).

    Raises:
        ConversionError: LibreOffice (or, with `warm`, its Python bridge) is not installed, or
            the Gotenberg client (httpx) is not.
    """
    settings = settings or _settings()
    if settings.gotenberg_url:
        try:
            from packbuilder.convert.gotenberg import Gotenberg
        except ImportError:
            raise ConversionError(
                "PACKBUILDER_GOTENBERG_URL is set but the Gotenberg client is not installed; "
                "install packbuilder[scale] (pip install 'packbuilder[scale]') or unset it"
            ) from None
        service = Gotenberg(settings.gotenberg_url, settings=settings)
        return CachingConverter(service, settings.cache_dir, _bound(settings)) if cache else service
    lo: LibreOffice | WarmLibreOffice
    if warm:
        lo = WarmLibreOffice(settings=settings)
        if prestart:
            lo.start()
    else:
        lo = LibreOffice(settings=settings)
        if prestart:
            lo.prestart()
    return CachingConverter(lo, settings.cache_dir, _bound(settings)) if cache else lo


def _bound(settings: Settings) -> int | None:
    return settings.cache_max_mb * 1024 * 1024 if settings.cache_max_mb else None
