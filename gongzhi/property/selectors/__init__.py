"""Reads of the red-property app with the actor's scope applied, one module per sub-domain: register
(companies, organisations), estates (an estate's profile, committees, branches, captains), assessment
(ratings, results, the overview figures). Missing and forbidden rows are the same 404."""

from gongzhi.property.selectors.assessment import property_counts

__all__ = ["property_counts"]
