"""The diary's cramps as an HL7 FHIR R4 Bundle (type collection) for a clinic's system.

Symptoms are findings, never diagnoses: every cramp is an Observation coded SNOMED CT 55300003
"Cramp", category survey (the person reported it), and no ICD code appears anywhere. A night the
person recorded as cramp-free is an Observation with the same code and valueBoolean false; a
night with neither is simply absent (unknown, never "no cramps"). Codes for body sites and
sides are used only where docs/fhir.md names a public source; otherwise the site is text.
Built from the export document, so it sees exactly what `export` sees.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

CRAMP = {"system": SNOMED, "code": "55300003", "display": "Cramp"}
SEVERITY = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# SNOMED CT body structures, as listed in DICOM PS3.16 (docs/fhir.md). "arch" and "other" have
# no verified code here, so they go as text only.
SITES = {
    "toes": ("29707007", "Toe"),
    "foot": ("56459004", "Foot"),
    "calf": ("53840002", "Calf of leg"),
    "thigh": ("68367000", "Thigh"),
}
SIDES = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "both": ("51440002", "Right and left"),
}


def _urn(uid: str) -> str:
    return f"urn:uuid:{uid}"


def _survey() -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}]


def _cramp(e: dict[str, Any], patient: str) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": e["uid"],
        "status": "final",
        "category": _survey(),
        "code": {"coding": [CRAMP], "text": "Cramp"},
        "subject": {"reference": patient},
        "effectiveDateTime": e["at"],
        "valueBoolean": True,
    }
    site, side = e.get("site"), e.get("side")
    if site:
        words = f"{side} {site}" if side and side != "both" else site
        if side == "both":
            words = f"{site}, both sides"
        concept: dict[str, Any] = {"text": words}
        if site in SITES:
            code, display = SITES[site]
            concept["coding"] = [{"system": SNOMED, "code": code, "display": display}]
        obs["bodySite"] = concept
    components: list[dict[str, Any]] = []
    if e.get("severity") is not None:
        components.append({"code": {"coding": [SEVERITY]}, "valueInteger": e["severity"]})
    if e.get("minutes") is not None:
        components.append(
            {
                "code": {"text": "duration of the cramp"},
                "valueQuantity": {
                    "value": e["minutes"],
                    "unit": "min",
                    "system": UCUM,
                    "code": "min",
                },
            }
        )
    if side:
        code, display = SIDES[side]
        components.append(
            {
                "code": {"text": "laterality"},
                "valueCodeableConcept": {
                    "coding": [{"system": SNOMED, "code": code, "display": display}],
                    "text": side,
                },
            }
        )
    if e.get("woke") is not None:
        components.append({"code": {"text": "woke from sleep"}, "valueBoolean": e["woke"]})
    if components:
        obs["component"] = components
    notes = [e[k] for k in ("note",) if e.get(k)]
    if e.get("relief"):
        notes.append(f"What eased it: {e['relief']}")
    if e.get("signs"):
        notes.append("Signs noted: " + ", ".join(e["signs"]))
    if notes:
        obs["note"] = [{"text": n} for n in notes]
    return obs


def _cramp_free(n: dict[str, Any], patient: str) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": n["uid"],
        "status": "final",
        "category": _survey(),
        "code": {"coding": [CRAMP], "text": "Cramp-free night"},
        "subject": {"reference": patient},
        "effectiveDateTime": n["night"],  # the evening's date that the night begins on
        "valueBoolean": False,
    }
    obs["note"] = [{"text": "cramp-free night (the person recorded no cramps this night)"}]
    if n.get("note"):
        obs["note"].append({"text": n["note"]})
    return obs


def bundle(doc: dict[str, Any], *, with_name: bool = False) -> dict[str, Any]:
    """An R4 collection Bundle of a format-2 export document."""
    profile = doc.get("profile") or {}
    patient_uid = profile.get("uid") or "00000000-0000-4000-8000-000000000000"
    patient: dict[str, Any] = {"resourceType": "Patient", "id": patient_uid}
    if profile.get("birth_year"):
        patient["birthDate"] = str(profile["birth_year"])  # the year alone: all cramplog asks
    if with_name and profile.get("name"):
        patient["name"] = [{"text": profile["name"]}]
    ref = _urn(patient_uid)
    entries = [{"fullUrl": ref, "resource": patient}]
    for e in doc["episodes"]:
        if e.get("deleted_at") is None:
            entries.append({"fullUrl": _urn(e["uid"]), "resource": _cramp(e, ref)})
    for n in doc["cramp_free_nights"]:
        if n.get("cramp_free", True):
            entries.append({"fullUrl": _urn(n["uid"]), "resource": _cramp_free(n, ref)})
    stamp = doc.get("exported_at") or datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": stamp,
        "entry": entries,
    }
