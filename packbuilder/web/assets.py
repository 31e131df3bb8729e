"""Static files: WhiteNoise, with the site's own built files looked at as they are now.

WhiteNoise reads each static file's size, times and type once, when the server starts, and
serves every later request with those headers. The npm packages (GOV.UK Frontend, htmx) are
installed before the server starts and do not change under it; the site's own stylesheet
(`static/web/app.css`, built from `scss/app.scss` by `make assets`) may be rebuilt while a
server runs, and was then served with its old length: cut short, or refused half way. So the
files under /static/web/ are looked up at each request (a stat and a finder's look, nothing to
speak of beside a page); the Makefile writes the stylesheet aside and renames it into place,
so that a request never reads half of one."""

from __future__ import annotations

from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware

OWN = "web/"  # the app's own static folder (packbuilder/web/static/web/), built files included


class StaticFiles(WhiteNoiseMiddleware):
    """WhiteNoise's middleware; the site's own files read afresh at each request."""

    def __call__(self, request: Any) -> Any:
        if request.path_info.startswith(self.static_prefix + OWN):
            found = self.find_file(request.path_info)
            return self.serve(found, request) if found is not None else self.get_response(request)
        return super().__call__(request)
