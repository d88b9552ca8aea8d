"""The weekly report and the appointment packet, as PDFs made with matplotlib's PdfPages.

Pages are matplotlib figures the size of the paper (A4 or letter, the `paper` setting) on
which text, tables and charts are placed at positions in inches; text stays real text, so a
PDF reader can search it and `pdftotext` finds every number. With SOURCE_DATE_EPOCH set, the
creation date, the "made on" date and therefore every byte depend only on the diary.

Nothing here reads the database: the command gathers an `Inputs` (the nightly frame of the
whole diary up to the report's last night, the profile, the provider-visit check) and passes
it in. Wording follows the project's rule: cramplog suggests, never diagnoses, and never tells
anyone to start, stop or change a medicine. Every value a person reads is rendered by
`cramplog.present`.

Modules: `page` (layout and tables), `sections` (parts both reports share, saving),
`weekly` and `nights` (the weekly report), `appointment`, `clinician` and `appendix` (the
packet).
"""

from __future__ import annotations

from cramplog.report.appointment import appointment
from cramplog.report.inputs import DISCLAIMER, Inputs, Profile, Written, made_at
from cramplog.report.page import PAPER_SIZES
from cramplog.report.weekly import weekly

__all__ = [
    "DISCLAIMER",
    "PAPER_SIZES",
    "Inputs",
    "Profile",
    "Written",
    "appointment",
    "made_at",
    "weekly",
]
