// Admin forms: a figure typed in 万平方米 / 亿元 fills the base-unit box and back, so both always agree.
const PAIRS = [
  ["id_space_wan_m2", "id_space_m2", 10_000],
  ["id_investment_yi_cny", "id_investment_cny", 100_000_000],
];

function asNumber(text) {
  const cleaned = text.replace(/[,，\s]/g, "");
  return cleaned === "" ? null : Number(cleaned);
}

for (const [unitId, baseId, factor] of PAIRS) {
  const inUnit = document.getElementById(unitId);
  const inBase = document.getElementById(baseId);
  if (!inUnit || !inBase) continue;
  inUnit.addEventListener("input", () => {
    const value = asNumber(inUnit.value);
    if (value === null) inBase.value = "";
    else if (Number.isFinite(value)) inBase.value = String(Math.round(value * factor));
  });
  inBase.addEventListener("input", () => {
    const value = asNumber(inBase.value);
    if (value === null) inUnit.value = "";
    else if (Number.isFinite(value)) inUnit.value = String(Number((value / factor).toFixed(8)));
  });
}
