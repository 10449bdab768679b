"""The red-property services (the only code that writes this app's models), one module per sub-domain:
register (companies and the sector's organisations), estates (an estate's property service, owners'
committee, 同心桥 branch, red captains), ratings (residents' quarterly ratings), assessment (weights and the
quarterly assessment) and matters (the four steps, through the councils engine)."""
