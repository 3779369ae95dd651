"""Clustering estimators that explore the landscape of their cost."""
