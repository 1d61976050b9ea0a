//! Classification metrics: accuracy, per-class precision / recall / F1, macro and weighted F1, confusion matrix.
