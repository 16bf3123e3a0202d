"""Reference values for src/stats/msprt.ts, computed independently of its closed form.

The mixture likelihood ratio is integrated numerically (scipy.integrate.quad) over the normal
mixing density, and the always-valid interval is found by root-finding (scipy.optimize.brentq)
on the null value θ0 where the integrated ratio crosses 1/α. Run: python3 msprt_reference.py
"""
import json
import math

from scipy import integrate, optimize, stats


def mixture_ratio(diff, var, tau, theta0=0.0):
    """∫ N(diff; θ, var) / N(diff; θ0, var) · N(θ; θ0, τ²) dθ."""
    sd = math.sqrt(var)

    def integrand(theta):
        return math.exp(
            stats.norm.logpdf(diff, loc=theta, scale=sd)
            - stats.norm.logpdf(diff, loc=theta0, scale=sd)
            + stats.norm.logpdf(theta, loc=theta0, scale=tau)
        )

    lo, hi = theta0 - 12 * tau, theta0 + 12 * tau
    value, _ = integrate.quad(integrand, lo, hi, points=[diff, theta0], limit=500)
    return value


def interval(diff, var, tau, alpha):
    target = 1 / alpha
    f = lambda t0: mixture_ratio(diff, var, tau, t0) - target
    step = math.sqrt(var) / 4

    def bracket(sign):
        # Walk out from the estimate until the ratio passes 1/α: the root lies in that step.
        inner = diff
        while True:
            outer = inner + sign * step
            if f(outer) > 0:
                return (outer, inner) if sign < 0 else (inner, outer)
            inner = outer

    return (
        optimize.brentq(f, *bracket(-1), xtol=1e-13),
        optimize.brentq(f, *bracket(+1), xtol=1e-13),
    )


CASES = [
    # control (n, mean, var), treatment (n, mean, var), tau, alpha
    ((400, 0.85, 0.1275), (380, 0.80, 0.16), 0.05, 0.05),
    ((1000, 0.10, 0.09), (120, 0.14, 0.1204), 0.03, 0.05),
    ((50, 120.0, 900.0), (60, 131.0, 1100.0), 4.0, 0.1),
    ((5000, 0.5, 0.25), (5000, 0.5, 0.25), 0.05, 0.05),
    ((200, 0.02, 0.0196), (200, 0.09, 0.0819), 0.02, 0.01),
]

out = []
for (nc, mc, vc), (nt, mt, vt), tau, alpha in CASES:
    diff = mt - mc
    var = vc / nc + vt / nt
    lam = mixture_ratio(diff, var, tau)
    lo, hi = interval(diff, var, tau, alpha)
    out.append(
        {
            "control": {"n": nc, "mean": mc, "variance": vc},
            "treatment": {"n": nt, "mean": mt, "variance": vt},
            "tau": tau,
            "alpha": alpha,
            "likelihood_ratio": lam,
            "interval": [lo, hi],
        }
    )
print(json.dumps({"source": "scipy quad + brentq, msprt_reference.py", "cases": out}, indent=2))
