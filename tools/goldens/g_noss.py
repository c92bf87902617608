"""Goldens: the non-semantic speech benchmark's classical evaluation, against scikit-learn
(Debian python3-sklearn): multinomial logistic regression, LDA with Ledoit-Wolf shrinkage,
the two feature normalisations, and the OLS aggregation (numpy least squares, scipy's t
quantile). Cases are well conditioned: moderate C, separated classes, n well above p."""
import warnings

import numpy as np
import torch
from scipy import stats
from sklearn.covariance import ledoit_wolf_shrinkage
from sklearn.exceptions import ConvergenceWarning
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler, normalize


def t64(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


def blobs(rng, n, d, k, sep):
    y = np.arange(n) % k
    centres = rng.normal(size=(k, d)) * sep
    return centres[y] + rng.normal(size=(n, d)) * rng.uniform(0.5, 2.0, size=d), y


def logistic(g, rng):
    for name, (n, d, k, bal) in {"lr": (90, 6, 3, False), "lr.bal": (90, 6, 3, True), "lr.bin": (60, 4, 2, False), "lr.wide": (30, 50, 3, False)}.items():
        x, y = blobs(rng, n, d, k, 0.8)
        if bal:
            keep = (y != 2) | (np.arange(n) % 12 == 2)  # class 2 a minority (a quarter kept)
            x, y = x[keep], y[keep]
        xt, _ = blobs(rng, 40, d, k, 0.8)
        # lbfgs stops at its ftol (64 eps on the summed loss) with a gradient near 1e-4; newton-cg
        # reaches the same objective's optimum to a gradient near 1e-9, a reference worth comparing to.
        m = LogisticRegression(C=1.0, multi_class="multinomial", solver="newton-cg", tol=1e-9, max_iter=1000,
                               class_weight="balanced" if bal else None).fit(x, y)
        g.put(f"{name}.x", t64(x))
        g.put(f"{name}.y", torch.from_numpy(y.astype(np.int64)))
        g.put(f"{name}.xt", t64(xt))
        g.put(f"{name}.proba", t64(m.predict_proba(xt)))
        if k > 2:
            g.put(f"{name}.coef", t64(m.coef_))
            g.put(f"{name}.intercept", t64(m.intercept_ - m.intercept_.mean()))
    # C = 1e5 on nearly separable classes: the benchmark's setting, compared by test accuracy.
    x, y = blobs(rng, 400, 20, 4, 1.2)
    m = LogisticRegression(C=1e5, multi_class="multinomial", solver="lbfgs", max_iter=100000).fit(x[:200], y[:200])
    g.put("lr.c1e5.x", t64(x))
    g.put("lr.c1e5.y", torch.from_numpy(y.astype(np.int64)))
    g.put("lr.c1e5.accuracy", t64(np.array([(m.predict(x[200:]) == y[200:]).mean()])))


def lda(g, rng):
    for name, (n, d) in {"lda": (120, 6), "lda.wide": (30, 45)}.items():
        x, y = blobs(rng, n, d, 3, 1.0)
        keep = (y != 0) | (np.arange(n) % 2 == 0)  # unequal priors
        x, y = x[keep], y[keep]
        m = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(x, y)
        g.put(f"{name}.x", t64(x))
        g.put(f"{name}.y", torch.from_numpy(y.astype(np.int64)))
        g.put(f"{name}.coef", t64(m.coef_))
        g.put(f"{name}.intercept", t64(m.intercept_))
        g.put(f"{name}.shrinkage", t64([ledoit_wolf_shrinkage(StandardScaler().fit_transform(x[y == c])) for c in range(3)]))
    z = rng.normal(size=(25, 40)) @ rng.normal(size=(40, 40)) * 0.3 + 2.0
    g.put("lw.x", t64(z))
    g.put("lw.shrinkage", t64([ledoit_wolf_shrinkage(z)]))


def normalisations(g, rng):
    x = rng.normal(size=(12, 5)) * rng.uniform(0.5, 3.0, size=5) + 1.0
    x[:4, 2] = 7.0  # constant within speaker 0: centred only
    speakers = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2])
    out = x.copy()
    for s in range(3):
        out[speakers == s] = StandardScaler().fit_transform(x[speakers == s])
    g.put("norm.x", t64(x))
    g.put("norm.speakers", torch.from_numpy(speakers.astype(np.int64)))
    g.put("norm.speaker", t64(out))
    g.put("norm.l2", t64(normalize(x)))


def ols(g, rng):
    reps, tasks = 4, 6
    rep = np.repeat(np.arange(reps), tasks)
    task = np.tile(np.arange(tasks), reps)
    acc = 0.6 + 0.05 * rep[:, None].ravel() * (rep != 2) + 0.04 * task + rng.normal(size=reps * tasks) * 0.03
    design = np.column_stack([np.ones(reps * tasks)] + [(rep == r).astype(float) for r in range(1, reps)] + [(task == t).astype(float) for t in range(1, tasks)])
    beta, rss, *_ = np.linalg.lstsq(design, acc, rcond=None)
    dof = len(acc) - design.shape[1]
    se = np.sqrt(rss[0] / dof * np.diag(np.linalg.inv(design.T @ design)))
    half = stats.t.ppf(0.975, dof) * se
    g.put("ols.rep", torch.from_numpy(rep.astype(np.int64)))
    g.put("ols.task", torch.from_numpy(task.astype(np.int64)))
    g.put("ols.acc", t64(acc))
    g.put("ols.effect", t64(beta[1:reps]))
    g.put("ols.low", t64(beta[1:reps] - half[1:reps]))
    g.put("ols.high", t64(beta[1:reps] + half[1:reps]))
    g.put("ols.r2", t64([1 - rss[0] / ((acc - acc.mean()) ** 2).sum()]))
    g.put("ols.dof", t64([dof]))


def make(g):
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    rng = np.random.default_rng(0)
    logistic(g, rng)
    lda(g, rng)
    normalisations(g, rng)
    ols(g, rng)
