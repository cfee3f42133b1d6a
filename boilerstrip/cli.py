"""The command line: a thin typer layer over the library.

Exit codes: 0 success, 1 unexpected error, 2 usage, 3 unreadable input,
4 malformed labeled data, 5 unusable model.  With several files, each file's
error is reported and the others are still processed; the exit code is the
highest one met.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Optional

import typer

from boilerstrip import api
from boilerstrip.errors import BoilerstripError, EncodingError, InputError, LabeledDataError
from boilerstrip.cli_batch import BatchRun
from boilerstrip.features import FEATURE_SETS
from boilerstrip.features.memory import SiteMemory
from boilerstrip.io.atomic import atomic_output, write_atomic
from boilerstrip.io.pages import JSONL_SUFFIXES, is_container
from boilerstrip.output import FORMATTERS, Batch
from boilerstrip.pipeline import Options, classify_file
from boilerstrip.rendering import RENDERERS, RENDERINGS

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Keep the article, drop the boilerplate, line by line.")
data_app = typer.Typer(no_args_is_help=True, help="Build labeled training data.")
app.add_typer(data_app, name="data")


class OutputFormatChoice(str, Enum):
    text = "text"
    labels = "labels"
    jsonl = "jsonl"
    html = "html"
    records = "records"


class InputFormatChoice(str, Enum):
    auto = "auto"
    text = "text"
    markdown = "markdown"
    html = "html"


# Groups of renderings: text a scraper writes (both), our text and Markdown (text), those and
# other tools' (all-text), our own four (ours), other tools' (tools), and every one (all).
_TOOLS = tuple(RENDERERS)
_RENDERING_GROUPS = {"both": ("scraper", "flat"), "text": ("scraper", "flat", "markdown"),
                     "all-text": ("scraper", "flat", "markdown", *_TOOLS),
                     "ours": RENDERINGS, "tools": _TOOLS, "all": RENDERINGS + tuple(RENDERERS)}
RenderingChoice = Enum("RenderingChoice", {name: name for name in (*RENDERINGS, *RENDERERS,
                                                                   *_RENDERING_GROUPS)}, type=str)


def _renderings(choice: Enum) -> tuple[str, ...]:
    return _RENDERING_GROUPS.get(choice.value, (choice.value,))


def _training_renderings(choice: Enum, leave_out: list[Enum]) -> tuple[str, ...]:
    left = {name for each in leave_out for name in _renderings(each)}
    kept = tuple(name for name in _renderings(choice) if name not in left)
    if not kept:
        raise typer.BadParameter(f"leaves no rendering of {choice.value} to learn from",
                                 param_hint="--leave-out")
    return kept


def _reads(model: Path | None) -> str:
    """The rendering a model reads page datasets in: html for one trained on our html
    rendering alone (the shipped HTML model, and models adapted from it), else scraper."""
    if model is None:
        return "scraper"
    learnt = api.load_model(model).metadata_.get("training", {}).get("renderings")
    return "html" if learnt == ["html"] else "scraper"


def _fail(error: BoilerstripError) -> int:
    advice = "; name the encoding with --encoding" if isinstance(error, EncodingError) else ""
    typer.echo(f"boilerstrip: {error}{advice}", err=True)
    return error.exit_code


def _predict_files(files: list[str], sink: BinaryIO, options: Options,
                   output_format: OutputFormatChoice) -> tuple[int, bool]:
    """Stream each file through the pipeline into ``sink``; returns the exit status and
    whether anything was written.  A file that fails is reported and skipped; when the
    sink is a file, what that file had already written is taken back."""
    formatter = FORMATTERS[output_format.value]
    status, wrote = 0, False
    for name in files:
        line_number = 1
        start = sink.tell() if sink.seekable() else None
        try:
            for labeled in classify_file(name, options):
                batch = Batch(name, len(files) > 1, line_number, options.keep_title)
                sink.write(formatter(labeled, batch).encode("utf-8"))
                sink.flush()
                line_number += len(labeled)
        except BoilerstripError as error:
            status = max(status, _fail(error))
            if start is not None:
                sink.seek(start)
                sink.truncate()
            continue
        wrote = True
    return status, wrote


class FieldChoice(str, Enum):
    auto = "auto"
    html = "html"
    text = "text"
    markdown = "markdown"


def _site_memory(wanted: bool, path: Path | None) -> SiteMemory | None:
    """The site memory ``predict`` starts from: the one saved at ``path`` if it exists, an
    empty one if asked for, else None."""
    if path is not None and path.exists():
        try:
            return SiteMemory.load(path)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    return SiteMemory() if wanted or path is not None else None


@app.command()
def predict(
    files: list[str] = typer.Argument(..., help="Pages to strip: text, Markdown or HTML files, "
                                                "folders of them, JSON Lines (.jsonl, .jsonl.gz, "
                                                ".jsonl.zst) and WARC files; '-' reads standard input."),
    output_format: Optional[OutputFormatChoice] = typer.Option(
        None, "--format", "-f",
        help="text: the kept lines; labels: every line labeled, in the labeled-lines format (edit "
             "it and train on it); jsonl: one record per line with label, P(content) and, for "
             "HTML, the block's XPath; html: the kept blocks with their markup; records: one "
             "JSON record per page (id, url, source, title, text). Default: records for -o "
             "*.jsonl[.gz|.zst], else text."),
    input_format: InputFormatChoice = typer.Option(
        InputFormatChoice.auto, "--input-format", "-i",
        help="What the files are; auto goes by the extension (.html .htm .md .txt), else by content."),
    threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0,
                                              help="Cut on P(content); higher keeps less "
                                                   "(default: the model's own, on its card)."),
    model: Optional[Path] = typer.Option(None, help="Model file (default: the shipped model for "
                                                    "the input format: text and Markdown, or HTML)."),
    keep_title: bool = typer.Option(False, "--keep-title", help="Keep the headline too."),
    encoding: Optional[str] = typer.Option(None, help="Force the input encoding."),
    lenient: bool = typer.Option(False, "--lenient",
                                 help="Decode text and Markdown files as browsers decode HTML: "
                                      "invalid bytes and NUL become U+FFFD instead of an error."),
    output: Optional[Path] = typer.Option(None, "-o", "--output",
                                          help="Write here (atomically) instead of standard output; "
                                               ".gz and .zst are compressed."),
    output_dir: Optional[Path] = typer.Option(
        None, "--output-dir", help="Write each page file's output under this folder, mirroring "
                                   "the input paths; a JSON Lines or WARC file's pages go to "
                                   "NAME.jsonl.gz there, one record each."),
    glob: str = typer.Option("**/*", help="Files to read in folders given as input."),
    field: FieldChoice = typer.Option(
        FieldChoice.auto, help="JSON Lines: the field holding the page (auto: the first of html, "
                               "text, markdown, content, raw_content present); id and url are kept."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                       help="Worker processes (default: one per core for folders, "
                                            "JSON Lines and WARC; one otherwise)."),
    page_timeout: Optional[float] = typer.Option(
        None, min=0.001, help="Seconds one page may take (read, render, features); a page over "
                              "it is reported as failed and the run goes on."),
    skip_existing: bool = typer.Option(False, "--skip-existing",
                                       help="Resume: skip pages whose output is already written "
                                            "(--output-dir, or the records of -o *.jsonl)."),
    with_labels: bool = typer.Option(False, "--with-labels",
                                     help="Records: add each line's text, label and P(content)."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress",
                                            help="Progress bar on standard error (default: when "
                                                 "it is a terminal, for batches)."),
    site_memory: bool = typer.Option(
        False, "--site-memory",
        help="Read every page first and label each with what its site's other pages hold "
             "(menus, footers, related blocks recur; articles do not). A page's site is its "
             "URL's host (JSON Lines, WARC), else its folder."),
    memory_file: Optional[Path] = typer.Option(
        None, "--memory-file",
        help="Site memory kept across runs (implies --site-memory): read from this file if it "
             "exists, given this batch's pages, and written back."),
) -> None:
    """Print the article lines of each page, verbatim and in order (HTML: one block a line).

    Several pages (files, folders, JSON Lines, WARC) run as a batch on --jobs processes: a
    page that fails is reported and the others go on; a summary ends the run on standard
    error, and the exit code is the highest of the failed pages' (0 when none failed).
    With --site-memory, every page is read twice: once for the memory, once to label it."""
    try:
        classifier = api.load_model(model) if model else None
        memory = _site_memory(site_memory, memory_file)
    except BoilerstripError as error:
        raise typer.Exit(_fail(error)) from None
    options = Options(input_format.value, threshold, keep_title, classifier, encoding, lenient)
    records_file = output is not None and output.name.lower().endswith(JSONL_SUFFIXES)
    chosen = output_format.value if output_format else ("records" if records_file else "text")
    one_page = (len(files) == 1 and (files[0] == "-" or not (Path(files[0]).is_dir()
                                                            or is_container(Path(files[0])))))
    if not (one_page and output_dir is None and chosen != "records" and jobs is None
            and page_timeout is None and not skip_existing and memory is None):
        if output is not None and output_dir is not None:
            raise typer.BadParameter("give -o or --output-dir, not both", param_hint="-o")
        if skip_existing and output_dir is None and not (output and chosen == "records"):
            raise typer.BadParameter("resumes --output-dir, or -o FILE.jsonl with records",
                                     param_hint="--skip-existing")
        batch = BatchRun(files, options, chosen, glob, field.value, page_timeout, skip_existing,
                         with_labels, memory, memory_file)
        raise typer.Exit(batch.run(output, output_dir, jobs, progress))
    if output is None:
        status, _ = _predict_files(files, sys.stdout.buffer, options, OutputFormatChoice(chosen))
        raise typer.Exit(status)
    try:
        with atomic_output(output) as sink:
            status, wrote = _predict_files(files, sink, options, OutputFormatChoice(chosen))
            if not wrote:
                raise typer.Exit(status)  # leaves no empty or partial output file behind
    except OSError as exc:
        raise typer.Exit(_fail(InputError(f"{output}: cannot write: {exc.strerror}"))) from None
    raise typer.Exit(status)


@app.command()
def train(
    data: list[Path] = typer.Argument(..., help="Labeled-lines files or folders, or page datasets "
                                               "(.jsonl.gz with html and main_text)."),
    output: Path = typer.Option(..., "-o", "--output", help="Model file to write (.json.gz)."),
    split: str = typer.Option("train", help="Site split of page datasets to learn from: train, test or all."),
    rendering: RenderingChoice = typer.Option(
        "ours", "--render", "--rendering", "--renderer",
        help="How page datasets are rendered to lines: one rendering, or a group: ours, tools, "
             "all-text (ours in text and Markdown, and the tools'), all, text (scraper, flat, "
             "markdown), both (scraper, flat)."),
    leave_out: Optional[list[RenderingChoice]] = typer.Option(
        None, "--leave-out", help="Leave these renderings (or groups) out of --render, "
                                  "repeatable: to score a model on a renderer it never saw."),
    seed: int = typer.Option(0, help="Random seed: the same data and seed give the same model."),
    trees: int = typer.Option(250, min=1, help="Boosting rounds."),
    augment: float = typer.Option(0.3, min=0.0, max=1.0,
                                  help="Share of documents given inserted in-article boilerplate blocks."),
    crop: float = typer.Option(0.2, min=0.0, max=1.0,
                               help="Share of text documents cut to end with their last body line."),
    page_type: Optional[list[str]] = typer.Option(None, help="Learn only from pages of this type "
                                                  "(repeatable), where a dataset gives types."),
    labeled_weight: float = typer.Option(
        1.0, "--labeled-weight", "--hand-labeled-weight", min=0.0,
        help="Weight of each line of the labeled-lines files and folders given (your pages) "
             "against lines of page datasets (a few pages beside thousands of others)."),
    page_weight: float = typer.Option(
        0.0, min=0.0, max=1.0,
        help="Evens the pages out: 0 lets a page weigh what its lines do, 1 makes every page "
             "weigh the same (the kept-text metric averages pages)."),
    exclude_site: Optional[list[str]] = typer.Option(
        None, help="Leave this site of the page datasets out (repeatable): to score the model "
                   "on it later, as a site it never saw."),
    base: Optional[str] = typer.Option(
        None, help="Adapt this model instead of training anew: html or text (the shipped ones) or "
                   "a model file. Its trees stay, and --adapt-rounds more rounds per stage learn "
                   "your pages on top, for pages of your site, in seconds; no public dataset needed."),
    adapt_rounds: Optional[int] = typer.Option(None, min=1, help="Rounds added to each stage with "
                                                                 "--base (default: 80 for 5 pages "
                                                                 "or more, fewer below)."),
    threshold: str = typer.Option(
        "auto", help="Cut on P(content) the model keeps a line at, 0 to 1; auto chooses it on a "
                     "fifth of the training sites (by kept-text F1), then fits on all of them."),
    renderings_per_page: Optional[int] = typer.Option(
        None, min=1, help="Render each page in only this many renderings: the first, and others "
                          "drawn at random per page (default: all of them)."),
    jobs: Optional[int] = typer.Option(None, min=1, help="Processes that render and label pages "
                                                         "(default: one per core)."),
    feature_set: int = typer.Option(max(FEATURE_SETS), min=min(FEATURE_SETS), max=max(FEATURE_SETS),
                                    help="The features to learn from: 1 as the HTML model, 2 adds "
                                         "the text-layout features, 3 where a line lies against "
                                         "the document's main span."),
    site_memory: bool = typer.Option(
        True, "--site-memory/--no-site-memory",
        help="Also fit the memory stage: what a site's other pages hold, used by "
             "predict --site-memory (pages of a site with no memory are labeled without it)."),
) -> None:
    """Train a model, or adapt one to your pages (--base); writes MODEL and its model card
    beside it."""
    from boilerstrip.training import TrainingOptions, card_path, train as train_model

    options = TrainingOptions(
        split=None if split == "all" else split,
        renderings=_training_renderings(rendering, leave_out or []),
        seed=seed,
        n_estimators=trees, augment=augment, crop=crop,
        page_types=tuple(page_type) if page_type else None,
        labeled_weight=labeled_weight, page_weight=page_weight, threshold=_threshold_option(threshold),
        renderings_per_page=renderings_per_page, feature_set=feature_set, jobs=jobs,
        exclude_sites=frozenset(exclude_site or ()), base=None if base is None else _model_path(base),
        adapt_rounds=adapt_rounds, site_memory=site_memory)
    try:
        meta = train_model(data, output, options)
    except BoilerstripError as error:
        raise typer.Exit(_fail(error)) from None
    counts = meta["training"]["labels"]
    if labeled_weight != 1.0 and not meta["training"]["labeled_file_documents"]:
        typer.echo("boilerstrip: warning: --labeled-weight applied to nothing: no labeled-lines "
                   "file was given", err=True)
    typer.echo(f"wrote {output} and {card_path(output)}: "
               + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + " training lines; "
               f"threshold {meta['threshold']} ({meta['threshold_choice']['method']})"
               + (f"; adapted {base} with {meta['adapted_from']['rounds_added']} rounds per stage"
                  if base else ""))


def _model_name(name: str) -> str:
    return f"shipped {name} model" if name in ("html", "text") else Path(name).name


def _model_path(name: str) -> Path:
    """A model named on the command line: html or text (the shipped ones), or a file."""
    from boilerstrip.model.shipped import default_model_path

    return default_model_path(name) if name in ("html", "text") else Path(name)


def _threshold_option(value: str) -> float | None:
    if value == "auto":
        return None
    try:
        cut = float(value)
    except ValueError:
        cut = float("nan")  # fails the range check below, with the same message
    if not 0.0 <= cut <= 1.0:
        raise typer.BadParameter(f"{value!r} is neither auto nor a number from 0 to 1",
                                 param_hint="--threshold")
    return cut


def _print_report(report: dict, systems: list[str], before: dict | None = None) -> None:
    header = f"{'group':<30}{'lines':>8}{'body P':>8}{'body R':>8}{'body F1':>8}{'title F1':>9}"
    header += "".join(f"{s:>13}" for s in systems) + (f"{'before':>9}" if before else "")
    typer.echo("line-level metrics, then kept-text F1 (4-gram shingles, AEB method) per system"
               + (" and for the --compare model (before)" if before else ""))
    typer.echo(header)
    for group, scores in report.items():
        lines, kept = scores["lines"], scores["kept_text"]
        total = sum(v["support"] for v in lines.values())
        body = lines["body"]
        title = lines["title"]
        row = f"{group:<30}{total:>8}{body['precision']:>8.3f}{body['recall']:>8.3f}{body['f1']:>8.3f}"
        row += f"{title['f1']:>9.3f}" if title["support"] else f"{'-':>9}"
        row += "".join(f"{kept[s]['f1']:>13.3f}" for s in systems)
        if before:
            row += f"{before[group]['kept_text']['boilerstrip']['f1']:>9.3f}"
        typer.echo(row)


@app.command("eval")
def evaluate(
    data: list[Path] = typer.Argument(..., help="Labeled-lines files or folders, or page datasets."),
    model: Optional[Path] = typer.Option(None, help="Model file (default: the shipped model for "
                                                    "each rendering: text and Markdown, or HTML)."),
    compare: Optional[str] = typer.Option(
        None, help="Another model to score on the same documents, shown as 'before' beside "
                   "--model (html or text for a shipped one, or a file): the base of an adapted model."),
    split: str = typer.Option("auto", help="Site split of page datasets: test (held-out sites), "
                                           "train, all; auto is all for aeb and test otherwise."),
    rendering: Optional[RenderingChoice] = typer.Option(
        None, "--render", "--rendering", "--renderer",
        help="How page datasets are rendered to lines: one rendering (ours: scraper, flat, "
             "markdown, html; or another tool's), or a group: ours, tools, all-text, all "
             "(default: html for a --model that reads HTML, else scraper)."),
    threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0),
    baselines: bool = typer.Option(True, help="Score keep-all, C4 rules and jusText on the same lines."),
    by_site: bool = typer.Option(False, "--by-site", help="Print a row for each site too (the "
                                                          "JSON report always has them)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the full report as JSON."),
    report_dir: Optional[Path] = typer.Option(
        None, "--report", help="Write an HTML report with plots here (index.html): F1 by dataset, "
                               "language and site, precision and recall over the cut, and "
                               "before/after with --compare."),
    site_memory: bool = typer.Option(
        False, "--site-memory",
        help="Label each page with what the other evaluated pages of its site hold (as predict "
             "--site-memory does on a batch); 'before' is then the same model without memory, "
             "unless --compare names another."),
) -> None:
    """Line-level P/R/F1 and kept-text F1 per dataset and language, beside the baselines.

    Pages with a gold text (page datasets, and `data build` output) are scored against it;
    hand-labeled pages against the text of their body lines."""
    from boilerstrip.evaluation import BASELINES, Evaluation, evaluate_documents
    from boilerstrip.evaluation.evaluate import site_memory_of
    from boilerstrip.training.corpus import evaluation_split, iter_documents

    keep = report_dir is not None
    total = Evaluation(keep_probabilities=keep)
    before = Evaluation() if compare or site_memory else None
    cuts: list[float] = []
    try:
        renderings = _renderings(rendering) if rendering is not None else (_reads(model),)
        for each in renderings:
            kind = "html" if each == "html" else "text"
            classifier = api.load_model(model, kind)
            cuts.append(classifier.threshold if threshold is None else threshold)
            other = (api.load_model(_model_path(compare), kind) if compare
                     else classifier if site_memory else None)
            suffix = f" [{each}]" if len(renderings) > 1 else ""
            for source in data:
                documents = iter_documents([source], evaluation_split(source, split), each)
                if other is not None:  # always so with --site-memory: the model without it
                    documents = list(documents)
                    evaluate_documents(other, documents, threshold, (), before, suffix)
                memory = site_memory_of(documents) if site_memory else None
                evaluate_documents(classifier, documents, threshold,
                                   tuple(BASELINES) if baselines else (), total, suffix, memory)
    except BoilerstripError as error:
        raise typer.Exit(_fail(error)) from None
    if not total.groups:  # scoring nothing is not a score of 0 or 1: say why, and fail
        raise typer.Exit(_fail(LabeledDataError(
            f"{', '.join(map(str, data))}: no document to evaluate; split '{split}' reads the "
            "held-out (test) sites and labeled-lines files stamped `split: test` (all of aeb): "
            "--split all scores every document")))
    report = total.report()
    shown = {group: scores for group, scores in report.items()
             if by_site or not group.startswith("site:")}
    systems = ["boilerstrip"] + (list(BASELINES) if baselines else [])
    _print_report(shown, systems, before.report() if before else None)
    if json_out:
        write_atomic(json_out, json.dumps(report, indent=2).encode("utf-8"))
    if report_dir is not None:
        from boilerstrip.evaluation.report import ReportInput, write_report

        try:
            page = write_report(report_dir, ReportInput(
                total, model.name if model else "the shipped model", cuts[0], before,
                _model_name(compare) if compare else "without site memory" if site_memory else "",
                [str(d) for d in data]))
        except BoilerstripError as error:
            raise typer.Exit(_fail(error)) from None
        typer.echo(f"wrote {page}")


@app.command()
def label(
    files: list[Path] = typer.Argument(..., help="Pages to label: text, Markdown or HTML files, "
                                                 "or folders of them."),
    output: Path = typer.Option(..., "-o", "--output", help="Folder for the labeled-lines files "
                                                           "(NAME.lines; an HTML page's source "
                                                           "beside it as NAME.html)."),
    model: Optional[Path] = typer.Option(None, help="Model that pre-labels the lines (default: "
                                                    "the shipped one for each page's format)."),
    input_format: InputFormatChoice = typer.Option(InputFormatChoice.auto, "--input-format", "-i"),
    site: Optional[str] = typer.Option(
        None, help="The pages' site (its host, say example.com), written in their files: a "
                   "model adapted to them leaves pages named as other sites to its base."),
    lang: Optional[str] = typer.Option(None, help="The pages' language, written in their files."),
    port: int = typer.Option(0, min=0, max=65535, help="Port on 127.0.0.1 (0: a free one)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the browser."),
) -> None:
    """Label pages in the browser: the model's labels, to correct by click and keyboard.

    Serves on 127.0.0.1 only, at an address with a secret token, until Ctrl-C.  Saved
    files go to OUTPUT, ready for `train --base` and `eval`."""
    from boilerstrip.labeling import LabelingSession, labeling_url, make_server

    try:
        classifier = api.load_model(model) if model else None
        session = LabelingSession(files, output, Options(input_format.value, model=classifier),
                                  site, lang)
        server = make_server(session, port)
    except BoilerstripError as error:
        raise typer.Exit(_fail(error)) from None
    except OSError as exc:
        raise typer.Exit(_fail(InputError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}"))) from None
    url = labeling_url(server, session)
    typer.echo(f"labeling {len(session.pages)} page(s) into {output}/ at {url}\n"
               "(Ctrl-C stops; saved pages stay)", err=False)
    sys.stdout.flush()
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@data_app.command("build")
def data_build(
    pages: list[Path] = typer.Argument(..., help="Page datasets (.jsonl.gz with html and main_text)."),
    output: Path = typer.Option(..., "-o", "--output", help="Folder for the labeled-lines files."),
    rendering: RenderingChoice = typer.Option("scraper", "--render", "--rendering", "--renderer",
                                              help="How pages are rendered to lines."),
    split_sites: bool = typer.Option(
        False, "--split-sites", help="Stamp each page with its site's split (train or test, by the "
                                     "public datasets' site hash) and write it under DATASET/SPLIT/; "
                                     "by default your pages carry no split and train and eval read "
                                     "them all."),
    keep_source: bool = typer.Option(
        False, "--keep-source", help="Keep each page's HTML beside its labels (always for --render "
                                     "html): a model learns the markup features from it, and "
                                     "training in another of our renderings re-renders it."),
    worst: int = typer.Option(5, help="How many worst-aligned pages to list per dataset."),
) -> None:
    """Render pages to lines, label them against the gold text, and audit the labels.

    Beside each NAME.lines goes NAME.gold.txt, the page's gold text: eval scores the kept
    text against it, as it does for page datasets."""
    from boilerstrip.training.corpus import Audit, dataset_name, read_pages, write_labeled_page

    status = 0
    for source in pages:
        audit, ranked = Audit(), []
        try:
            for each in _renderings(rendering):
                for page in read_pages(source):
                    doc = write_labeled_page(page, each, output, split_sites, keep_source)
                    ranked.append((audit.add(doc, page.main_text), page.id))
        except BoilerstripError as error:
            status = max(status, _fail(error))
            continue
        typer.echo(f"{dataset_name(source)}: {audit.pages} pages; gold tokens covered by body lines "
                   f"{audit.coverage:.3f}; body tokens found in gold {audit.purity:.3f}; "
                   f"{audit.below_gate} pages whose gold text is mostly not in the page "
                   f"(left out of training and of these two figures)")
        for score, page_id in sorted(ranked)[:worst]:
            typer.echo(f"  worst: {score:.2f} {page_id}")
    raise typer.Exit(status)


if __name__ == "__main__":
    app()
