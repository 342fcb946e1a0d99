"""Weak supervision: learning from label proportions (LLP) and classification without labels (CWoLa)."""
