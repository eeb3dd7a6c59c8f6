"""`planocr review OUTDIR`: a local web page to check and fix a batch's records, every change on record.

``server`` (HTTP, token, Host check, routes), ``records`` (which names exist, versions, writing an edit and
the manifest line), ``edits`` (what an edit changes in a record, with its history entries), ``views`` (the
queue, the fields beside the page with where they were read, the uncertain items), ``render`` (page images,
cached), ``static/`` (the page: plain HTML, CSS and JavaScript, no build step).
"""

from .server import make_server, serve

__all__ = ["make_server", "serve"]
