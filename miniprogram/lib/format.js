/* Fills {name} placeholders in a sentence from strings.js. */
function fmt(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, key) =>
    (values && values[key] !== undefined && values[key] !== null ? String(values[key]) : ''));
}

module.exports = { fmt };
