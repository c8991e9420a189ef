"""Pelican generators the plugin adds (wired in `editorial.register`)."""

from __future__ import annotations

from pelican.generators import Generator

from editorial import settings as plugin_settings
from editorial.settings import REPORT_SAVE_AS


class EditorialReportGenerator(Generator):
    """Preview only: writes the editorial report page (every finding, with the
    two paragraphs side by side) from the theme's `editorial_report.html`."""

    def generate_context(self) -> None:
        pass  # the review happens site-wide, in all_generators_finalized

    def generate_output(self, writer) -> None:
        review = self.context.get("editorial_review")
        if review is None or not plugin_settings.get(self.settings, "EDITORIAL_PREVIEW"):
            return
        from editorial.site import report_rows

        writer.write_file(
            REPORT_SAVE_AS,
            self.get_template("editorial_report"),
            self.context,
            rows=report_rows(review),
            findings=review.findings,
            page_name="editorial/index",
            relative_urls=self.settings["RELATIVE_URLS"],
        )
