"""The bill's codes in words: the labels live with the models that use them as choices (``points.codes``)."""

from points.codes import CODE_LABELS, code_label

__all__ = ["CODE_LABELS", "code_label"]
