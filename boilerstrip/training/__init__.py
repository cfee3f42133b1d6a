"""Training: page datasets and labeled files into labeled documents (``corpus``), training
devices (``augment``), the fit with its threshold choice (``train``) and the model card."""

from boilerstrip.training.card import card_path, model_card
from boilerstrip.training.train import TrainingOptions, train

__all__ = ["TrainingOptions", "card_path", "model_card", "train"]
