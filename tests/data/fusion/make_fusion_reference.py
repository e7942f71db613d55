#!/usr/bin/env python3
"""Compute scikit-learn reference numbers for Chorus's fusion stage and write fusion_reference.json.

Run with Debian's Python (scikit-learn 1.2.1, numpy 1.24, scipy):

    /usr/bin/python3 tests/data/fusion/make_fusion_reference.py

The inputs are FIXED score arrays, not real models: 3 members x 40 samples x 4 classes of probabilities drawn from a
seeded Dirichlet distribution (each member more or less informative about the true label), plus the true labels.
Five samples are then edited so that hard voting has known ties (see CONSTRUCTED_VOTES).

Every reference number comes from scikit-learn itself:

- VotingClassifier is run for real around FixedProbabilityClassifier, a tiny estimator whose predict_proba returns
  rows of a stored array. The array is a constructor parameter, so sklearn.base.clone works and VotingClassifier.fit
  goes through its normal code path (LabelEncoder, clone, fit of each clone); fit only records classes_. X is the
  column of sample indices 0..39, which is how the stored rows are looked up.
- Metrics: sklearn.metrics (accuracy_score, precision_recall_fscore_support, log_loss, roc_auc_score,
  confusion_matrix).
- Stratified k-fold: sklearn.model_selection.StratifiedKFold.
- Stacking meta-model: sklearn.linear_model.LogisticRegression (lbfgs, and newton-cg as a tighter optimum) on the
  concatenated member probabilities; the script
  also checks that StackingClassifier(cv="prefit") around the same members gives identical probabilities.
- Ensemble selection: scikit-learn has none. It is written here in plain numpy following auto-sklearn's
  EnsembleSelection "slow" mode exactly (see ensemble_selection() below); the metrics inside are sklearn's.

All floats are written with repr (round-trip) precision by the json module.
"""

import json
import os
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    log_loss,
    precision_recall_fscore_support,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold

SEED = 20261122
N_MEMBERS, N_SAMPLES, N_CLASSES = 3, 40, 4
CLASS_COUNTS = [13, 11, 9, 7]  # deliberately unequal, so the k-fold allocation is not trivial
# Dirichlet concentration: 1 for every class, plus a member-specific "skill" on the true class.
MEMBER_SKILL = [3.0, 2.5, 2.0]
WEIGHTS = [2, 1, 1]
ENSEMBLE_SIZE = 10
OUT_DIR = os.path.dirname(os.path.abspath(__file__))

# Samples edited so that each member's argmax is the given class: (sample index, (vote m0, vote m1, vote m2)).
# Unweighted hard voting: (3,1,2) (2,3,0) (3,2,1) are 1-1-1 ties -> sklearn picks the lowest class.
# Weighted [2,1,1]: (3,1,1) and (2,0,0) are 2-2 ties -> lowest class; unweighted they are clear 2-1 wins.
CONSTRUCTED_VOTES = [
    (3, (3, 1, 2)),
    (11, (2, 3, 0)),
    (19, (3, 2, 1)),
    (27, (3, 1, 1)),
    (35, (2, 0, 0)),
]


class FixedProbabilityClassifier(ClassifierMixin, BaseEstimator):
    """A 'pre-fitted' classifier: predict_proba(X) returns probabilities[X[:, 0]] (X holds sample indices).

    fit(X, y) only sets classes_ = np.unique(y), which is what VotingClassifier / StackingClassifier need; the
    stored probabilities are in that class order. Being a constructor parameter, the array survives clone().
    """

    def __init__(self, probabilities=None):
        self.probabilities = probabilities

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        assert np.asarray(self.probabilities).shape[1] == len(self.classes_)
        return self

    def predict_proba(self, X):
        rows = np.asarray(X)[:, 0].astype(np.int64)
        return np.asarray(self.probabilities, dtype=np.float64)[rows]

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


# ------------------------------------------------------------------------------------------ the inputs


def make_inputs():
    rng = np.random.default_rng(SEED)
    y = np.repeat(np.arange(N_CLASSES), CLASS_COUNTS)
    y = y[rng.permutation(N_SAMPLES)]
    # Put a class-2 sample first, so the classes' order of first appearance (which StratifiedKFold uses to
    # encode them) differs from their sorted order.
    first2 = int(np.flatnonzero(y == 2)[0])
    y[[0, first2]] = y[[first2, 0]]
    probs = np.empty((N_MEMBERS, N_SAMPLES, N_CLASSES))
    for m in range(N_MEMBERS):
        for n in range(N_SAMPLES):
            alpha = np.ones(N_CLASSES)
            alpha[y[n]] += MEMBER_SKILL[m]
            probs[m, n] = rng.dirichlet(alpha)
    for n, votes in CONSTRUCTED_VOTES:
        for m, c in enumerate(votes):
            top = int(np.argmax(probs[m, n]))
            probs[m, n, [top, c]] = probs[m, n, [c, top]]  # swap the largest probability into column c
    return y, probs


def tie_info(member_votes, weights):
    """Per sample: the (weighted) vote count per class and the classes sharing the maximum, as sklearn counts them."""
    out = []
    for n in range(member_votes.shape[0]):
        counts = np.bincount(member_votes[n], weights=weights, minlength=N_CLASSES)
        tied = np.flatnonzero(counts == counts.max())
        out.append((counts, tied))
    return out


def top2_margin(p):
    s = np.sort(p, axis=1)
    return float(np.min(s[:, -1] - s[:, -2]))


# ------------------------------------------------------------------------------------------- voting


def voting(X, y, probs):
    members = [("m%d" % m, FixedProbabilityClassifier(probs[m])) for m in range(N_MEMBERS)]
    member_votes = np.stack(
        [FixedProbabilityClassifier(probs[m]).fit(X, y).predict(X) for m in range(N_MEMBERS)], axis=1
    )
    result = {}
    for voting_kind in ("soft", "hard"):
        for weights in (None, WEIGHTS):
            clf = VotingClassifier(members, voting=voting_kind, weights=weights).fit(X, y)
            key = "%s_%s" % (voting_kind, "unweighted" if weights is None else "weighted")
            entry = {"weights": weights, "predictions": clf.predict(X).tolist()}
            if voting_kind == "soft":
                fused = clf.predict_proba(X)
                entry["probabilities"] = fused.tolist()
                entry["min_top2_margin"] = top2_margin(fused)
            else:
                info = tie_info(member_votes, None if weights is None else np.asarray(weights, float))
                ties = [n for n, (_, tied) in enumerate(info) if len(tied) > 1]
                entry["tie_samples"] = ties
                entry["tied_classes"] = {str(n): info[n][1].tolist() for n in ties}
                entry["vote_counts"] = [c.tolist() for c, _ in info]
                # The documented rule: on a tie the lowest tied class wins (np.argmax of the bincount).
                for n in ties:
                    assert entry["predictions"][n] == int(info[n][1][0])
            result[key] = entry
    return member_votes, result


# ------------------------------------------------------------------------------------------- metrics


def label_metrics(y, pred):
    out = {
        "accuracy": accuracy_score(y, pred),
        "confusion_matrix": confusion_matrix(y, pred).tolist(),
    }
    for average in ("macro", "weighted", None):
        p, r, f, s = precision_recall_fscore_support(y, pred, average=average, zero_division=0)
        key = "per_class" if average is None else average
        out[key] = {
            "precision": np.asarray(p).tolist(),
            "recall": np.asarray(r).tolist(),
            "f1": np.asarray(f).tolist(),
        }
        if average is None:
            out[key]["support"] = s.tolist()
    return out


def probability_metrics(y, proba):
    pred = np.argmax(proba, axis=1)
    out = label_metrics(y, pred)
    out["log_loss"] = log_loss(y, proba, labels=list(range(N_CLASSES)))
    out["roc_auc_ovr_macro"] = roc_auc_score(y, proba, multi_class="ovr", average="macro")
    out["roc_auc_ovr_weighted"] = roc_auc_score(y, proba, multi_class="ovr", average="weighted")
    return out


# ------------------------------------------------------------------------------------------- k-fold


def stratified_kfold(y):
    folds = []
    test_fold = np.full(len(y), -1)
    for i, (train, test) in enumerate(StratifiedKFold(n_splits=5, shuffle=False).split(np.zeros(len(y)), y)):
        folds.append({"train": train.tolist(), "test": test.tolist()})
        test_fold[test] = i
    return {"n_splits": 5, "shuffle": False, "folds": folds, "test_fold_of_sample": test_fold.tolist()}


# ------------------------------------------------------------------------------------------- stacking


def stacking(X, y, probs):
    """Multinomial LogisticRegression on the concatenated member probabilities, for C = 1.0 and 0.1.

    Two fits per C, both by scikit-learn: solver='lbfgs' (as StackingClassifier's default final estimator uses),
    and solver='newton-cg', which converges much further. sklearn's lbfgs stops on scipy's default relative
    function tolerance (ftol ~2.2e-9, not settable through LogisticRegression) long before tol=1e-12 is reached,
    so its coefficients are only within ~1e-4 of the optimum; newton-cg's are within ~1e-8 (see the recorded
    max_abs_gradient_at_solution). newton-cg uses tol=1e-8: tighter values never satisfy its stopping test (the
    gradient stalls at ~1e-9 in float64) and only end in a ConvergenceWarning after max_iter.
    """
    features = np.hstack([probs[m] for m in range(N_MEMBERS)])  # member-major: m0 c0..c3, m1 c0..c3, m2 ...
    out = {"features": "hstack of the members' probabilities, member-major (column 4*m + c)", "fits": {}}
    for C in (1.0, 0.1):
        fits = {}
        for solver, tol in (("lbfgs", 1e-12), ("newton-cg", 1e-8)):
            lr = LogisticRegression(
                C=C, solver=solver, multi_class="multinomial", fit_intercept=True, max_iter=1_000_000, tol=tol
            )
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a ConvergenceWarning would make the reference worthless
                lr.fit(features, y)
            proba = lr.predict_proba(features)
            grad = objective_gradient(lr.coef_, lr.intercept_, features, y, C)
            fits[solver] = {
                "solver": solver,
                "tol": tol,
                "coef": lr.coef_.tolist(),
                "intercept": lr.intercept_.tolist(),
                "intercept_sum": float(np.sum(lr.intercept_)),
                "predict_proba": proba.tolist(),
                "predictions": lr.predict(features).tolist(),
                "n_iter": int(lr.n_iter_[0]),
                "max_abs_gradient_at_solution": float(np.max(np.abs(grad))),
            }
            if solver == "lbfgs":
                # Cross-check: StackingClassifier(cv="prefit") builds exactly these features and this final
                # estimator (its default final estimator is LogisticRegression(), lbfgs).
                members = [("m%d" % m, FixedProbabilityClassifier(probs[m]).fit(X, y)) for m in range(N_MEMBERS)]
                stack = StackingClassifier(members, final_estimator=LogisticRegression(**lr.get_params()), cv="prefit")
                with warnings.catch_warnings():
                    warnings.simplefilter("error")
                    stack.fit(X, y)
                assert np.array_equal(stack.transform(X), features)
                assert np.allclose(stack.predict_proba(X), proba, rtol=0, atol=1e-12)
        a, b = fits["lbfgs"], fits["newton-cg"]
        centered = lambda v: np.asarray(v) - np.mean(v)
        out["fits"][repr(C)] = {
            "C": C,
            "lbfgs": a,
            "newton_cg": b,
            "max_abs_coef_diff": float(np.max(np.abs(np.subtract(a["coef"], b["coef"])))),
            "max_abs_centered_intercept_diff": float(
                np.max(np.abs(centered(a["intercept"]) - centered(b["intercept"])))
            ),
            "max_abs_proba_diff": float(np.max(np.abs(np.subtract(a["predict_proba"], b["predict_proba"])))),
        }
    return features, out


def objective_gradient(coef, intercept, X, y, C):
    """Gradient of sum_n CE_n + ||coef||^2 / (2C) (sklearn 1.2.1's lbfgs objective; intercept unpenalised)."""
    z = X @ coef.T + intercept
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    r = p - np.eye(N_CLASSES)[y]
    return np.concatenate([(r.T @ X + coef / C).ravel(), r.sum(axis=0)])


# ---------------------------------------------------------------------------------- ensemble selection


def ensemble_selection(y, probs, metric):
    """Caruana's greedy forward selection with replacement, as auto-sklearn's EnsembleSelection(mode='slow').

    Rules (autosklearn/ensembles/ensemble_selection.py, _slow and _calculate_weights):
    - start from an empty ensemble (no sorted initialisation, no bagging);
    - ENSEMBLE_SIZE iterations; in each, for every member j (all of them, with replacement), the candidate is
      np.mean of the already selected predictions plus p_j, and its loss is computed;
    - loss = metric optimum - score: log_loss -> log_loss; accuracy -> 1 - accuracy of argmax (first max);
    - best = np.nanargmin(losses): on an exact tie the LOWEST member index wins;
    - no early stop, no truncation to the best iteration; weights_ = count_j / ENSEMBLE_SIZE;
    - prediction = sum_j weights_[j] * p_j (in member order).
    """
    ensemble, order, trajectory, all_losses = [], [], [], []
    min_gap, min_margin = np.inf, np.inf
    for _ in range(ENSEMBLE_SIZE):
        losses = np.zeros(N_MEMBERS)
        for j in range(N_MEMBERS):
            ensemble.append(probs[j])
            candidate = np.mean(np.array(ensemble), axis=0)
            ensemble.pop()
            if metric == "log_loss":
                losses[j] = log_loss(y, candidate, labels=list(range(N_CLASSES)))
            else:
                losses[j] = 1.0 - accuracy_score(y, np.argmax(candidate, axis=1))
                min_margin = min(min_margin, top2_margin(candidate))
        best = int(np.nanargmin(losses))
        others = np.delete(losses, best)
        gaps = others - losses[best]
        if metric == "log_loss":
            min_gap = min(min_gap, float(np.min(gaps)))
        ensemble.append(probs[best])
        order.append(best)
        trajectory.append(float(losses[best]))
        all_losses.append(losses.tolist())
    counts = np.bincount(order, minlength=N_MEMBERS)
    weights = counts / ENSEMBLE_SIZE
    fused = np.zeros_like(probs[0])
    for j in range(N_MEMBERS):
        fused += probs[j] * weights[j]
    out = {
        "metric": metric,
        "ensemble_size": ENSEMBLE_SIZE,
        "order": order,
        "trajectory": trajectory,
        "candidate_losses": all_losses,
        "weights": weights.tolist(),
        "fused_probabilities": fused.tolist(),
        "fused_predictions": np.argmax(fused, axis=1).tolist(),
    }
    if metric == "log_loss":
        out["min_gap_best_to_next_candidate"] = min_gap
    else:
        out["exact_tie_iterations"] = [
            i for i, l in enumerate(all_losses) if sum(v == min(l) for v in l) > 1
        ]
        out["min_top2_margin_over_candidates"] = float(min_margin)
    return out


# --------------------------------------------------------------------------------------------- main


def main():
    y, probs = make_inputs()
    X = np.arange(N_SAMPLES, dtype=np.float64).reshape(-1, 1)

    member_votes, vote = voting(X, y, probs)
    soft = np.asarray(vote["soft_unweighted"]["probabilities"])
    soft_w = np.asarray(vote["soft_weighted"]["probabilities"])

    # A prediction vector in which class 3 is never predicted: exercises zero_division=0 for precision.
    pred_no3 = np.asarray(vote["soft_unweighted"]["predictions"]).copy()
    pred_no3[pred_no3 == 3] = 0
    assert np.any(np.asarray(vote["soft_unweighted"]["predictions"]) == 3)

    features, stack = stacking(X, y, probs)

    _, first_index = np.unique(y, return_index=True)
    reference = {
        "description": "scikit-learn reference numbers for the Chorus fusion stage, computed from fixed score "
        "arrays (not models). See README.md in this folder.",
        "generator": "tests/data/fusion/make_fusion_reference.py",
        "versions": {
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "seed": SEED,
        "n_members": N_MEMBERS,
        "n_samples": N_SAMPLES,
        "n_classes": N_CLASSES,
        "classes": list(range(N_CLASSES)),
        "class_order_of_first_appearance": np.argsort(first_index).tolist(),
        "y_true": y.tolist(),
        "member_probabilities": probs.tolist(),
        "member_predictions": member_votes.T.tolist(),
        "member_min_top2_margin": [top2_margin(probs[m]) for m in range(N_MEMBERS)],
        "constructed_tie_samples": [
            {"sample": n, "member_votes": list(v)} for n, v in CONSTRUCTED_VOTES
        ],
        "voting": vote,
        "metrics": {
            "soft_unweighted": probability_metrics(y, soft),
            "soft_weighted": probability_metrics(y, soft_w),
            "members": [probability_metrics(y, probs[m]) for m in range(N_MEMBERS)],
            "zero_division_case": dict(
                label_metrics(y, pred_no3),
                y_pred=pred_no3.tolist(),
                note="soft_unweighted predictions with every 3 replaced by 0, so class 3 is never predicted; "
                "precision of class 3 is 0/0 -> 0 (zero_division=0)",
            ),
        },
        "stratified_kfold": stratified_kfold(y),
        "stacking_logistic_regression": dict(
            stack,
            settings={
                "multi_class": "multinomial",
                "fit_intercept": True,
                "max_iter": 1_000_000,
                "objective": "sum_n -log p(y_n | x_n) + ||coef||_F^2 / (2 C); the intercept is not penalised "
                "(sklearn 1.2.1, lbfgs; the loss is a sum, not a mean, over samples)",
            },
        ),
        "ensemble_selection": {
            "log_loss": ensemble_selection(y, probs, "log_loss"),
            "accuracy": ensemble_selection(y, probs, "accuracy"),
        },
    }
    assert features.shape == (N_SAMPLES, N_MEMBERS * N_CLASSES)

    path = os.path.join(OUT_DIR, "fusion_reference.json")
    with open(path, "w", newline="\n") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
    summary = {
        "hard ties unweighted": vote["hard_unweighted"]["tie_samples"],
        "hard ties weighted": vote["hard_weighted"]["tie_samples"],
        "soft acc": reference["metrics"]["soft_unweighted"]["accuracy"],
        "soft log loss": reference["metrics"]["soft_unweighted"]["log_loss"],
        "soft min margin": vote["soft_unweighted"]["min_top2_margin"],
        "soft_w min margin": vote["soft_weighted"]["min_top2_margin"],
        "member margins": reference["member_min_top2_margin"],
        "first appearance": reference["class_order_of_first_appearance"],
    }
    for k, v in summary.items():
        print("%-20s %s" % (k, v))
    for C, fit in stack["fits"].items():
        print("LR C=%s |grad| lbfgs %.2e newton-cg %.2e; lbfgs vs newton-cg: coef %.2e intercept %.2e proba %.2e" % (
            C, fit["lbfgs"]["max_abs_gradient_at_solution"], fit["newton_cg"]["max_abs_gradient_at_solution"],
            fit["max_abs_coef_diff"], fit["max_abs_centered_intercept_diff"], fit["max_abs_proba_diff"]))
    for name, es in reference["ensemble_selection"].items():
        print("ES %-8s order %s weights %s extra %s" % (
            name, es["order"], es["weights"],
            es.get("min_gap_best_to_next_candidate", es.get("exact_tie_iterations"))))


if __name__ == "__main__":
    main()
