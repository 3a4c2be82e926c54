"""Reusable studio widgets: drawing canvas, webcam, charts, probability bars, decision boundary."""
