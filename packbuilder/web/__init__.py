"""packbuilder's web page: democratic advisors take a meeting from papers to a published pack.

A thin Django layer over the packbuilder library. Every call into the library goes through
`packbuilder.web.library`; the pages, accounts, versions, jobs and audit log are this package's.
Run it with `make serve` (or `packbuilder-web serve`); see docs/web.md.
"""
