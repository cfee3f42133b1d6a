"""Evaluation: the kept-text metric (``metrics``), the baselines scored on the same lines
(``baselines``), and scores by dataset and language (``evaluate``)."""

from boilerstrip.evaluation.baselines import BASELINES, run_justext
from boilerstrip.evaluation.evaluate import (Evaluation, evaluate_documents, shown_lines,
                                             threshold_scores)
from boilerstrip.evaluation.metrics import aeb_metrics, shingle_match

__all__ = ["BASELINES", "Evaluation", "aeb_metrics", "evaluate_documents", "run_justext",
           "shingle_match", "shown_lines", "threshold_scores"]
