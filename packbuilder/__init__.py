"""packbuilder: build paginated meeting packs from spreadsheets, Word templates and appendices.

The pipeline, one module a stage::

    workbook (inputs) -> model -> render (docx) -> convert (pdf) -> layout -> assemble (pack) ->
    publish

`packbuilder.build.build` runs it; `packbuilder.cli` is a thin command line over it.
"""

__version__ = "0.1.0"
