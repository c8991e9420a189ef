"""Preview only: the editorial report page, every finding with the two
paragraphs side by side (theme template `editorial_report.html`)."""

from __future__ import annotations

from pelican.generators import Generator

from editorial import preview
from editorial.site import Review

# Where preview builds write the report, inside the output directory.
REPORT_SAVE_AS = "editorial/index.html"


def report_rows(review: Review) -> list[preview.ReportRow]:
    # Only the articles the findings name (Pelican computes `url` on each access).
    named = {path for f in review.findings for path in (f.file, f.repeats.file)}
    articles = {path: review.articles[path] for path in named if path in review.articles}
    titles = {path: str(a.title) for path, a in articles.items()}
    urls = {path: a.url for path, a in articles.items()}
    return preview.report_rows(review.findings, review.texts, titles, urls)


class EditorialReportGenerator(Generator):
    """Writes the report from the review the plugin leaves in the context
    (the review itself is site-wide work, done in all_generators_finalized)."""

    def generate_context(self) -> None:
        pass

    def generate_output(self, writer) -> None:
        review = self.context.get("editorial_review")
        if review is None:
            return
        writer.write_file(
            REPORT_SAVE_AS,
            self.get_template("editorial_report"),
            self.context,
            rows=report_rows(review),
            findings=review.findings,
            page_name="editorial/index",
            relative_urls=self.settings["RELATIVE_URLS"],
        )
