"""Claims of the public debate checked against the data, under alternative definitions.

>>> from openrace.claims import load_claims, check_claims
>>> results = check_claims(store, load_claims())  # doctest: +SKIP
"""

from openrace.claims.check import (
    CONTRADICTED,
    DEPENDS,
    INSUFFICIENT,
    ROBUST,
    SUPPORTED,
    UNTESTED,
    ClaimChecker,
    ClaimResult,
    DefinitionResult,
    check_claims,
)
from openrace.claims.loader import ClaimsFileError, bundled_claims_path, load_claims
from openrace.claims.model import Alternative, Claim, Definition

__all__ = [
    "CONTRADICTED",
    "DEPENDS",
    "INSUFFICIENT",
    "ROBUST",
    "SUPPORTED",
    "UNTESTED",
    "Alternative",
    "Claim",
    "ClaimChecker",
    "ClaimResult",
    "ClaimsFileError",
    "Definition",
    "DefinitionResult",
    "bundled_claims_path",
    "check_claims",
    "load_claims",
]
