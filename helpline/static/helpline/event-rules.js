// The event rule editor (Settings → Event rules): conditions in groups and actions as a form. The form posts the
// rule as JSON in two hidden inputs; the server validates it (helpline.automation.schema) and says what is wrong.
document.addEventListener("alpine:init", () => {
  const read = (id) => JSON.parse(document.getElementById(id).textContent);

  window.Alpine.data("ruleEditor", () => {
    const catalog = read("rule-catalog");
    const initial = read("rule-values");
    const fieldsByKey = Object.fromEntries(catalog.fields.map((f) => [f.key, f]));
    const actionsByKey = Object.fromEntries(catalog.actions.map((a) => [a.key, a]));
    const conditions = initial.conditions || {};
    return {
      catalog,
      trigger: initial.trigger || "ticket_created",
      match: conditions.match || "all",
      groups: (conditions.groups || []).map((g) => ({
        match: g.match || "all",
        conditions: g.conditions.map((c) => {
          const listed = Array.isArray(c.value) && !(fieldsByKey[c.field] || {}).options;
          return { field: c.field, op: c.op, value: listed ? c.value.join(", ") : (c.value ?? "") };
        }),
      })),
      // Lists edit as comma-separated text; the server splits them again.
      actions: (initial.actions || []).map((a) => Object.fromEntries(
        Object.entries(a).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]),
      )),

      field(key) { return fieldsByKey[key] || { type: "text", options: null }; },
      operators(key) { return catalog.operators[this.field(key).type] || []; },
      needsValue(op) { return !catalog.noValue.includes(op); },
      takesList(op) { return catalog.listValue.includes(op); },
      options(key) { return this.field(key).options; },
      addGroup() { this.groups.push({ match: "all", conditions: [] }); this.addCondition(this.groups.length - 1); },
      removeGroup(g) { this.groups.splice(g, 1); },
      addCondition(g) { this.groups[g].conditions.push({ field: "ticket.subject", op: "contains", value: "" }); },
      removeCondition(g, c) {
        this.groups[g].conditions.splice(c, 1);
        if (!this.groups[g].conditions.length) this.removeGroup(g);
      },
      fieldChanged(condition) {
        const ops = this.operators(condition.field).map(([op]) => op);
        if (!ops.includes(condition.op)) condition.op = ops[0];
        condition.value = "";
      },
      opChanged(condition) { condition.value = this.takesList(condition.op) ? [] : ""; },
      kind(type) { return actionsByKey[type] || { params: [], optional: [] }; },
      has(action, param) { return this.kind(action.type).params.includes(param); },
      addAction() { this.actions.push({ type: "add_tags", tags: "" }); },
      removeAction(i) { this.actions.splice(i, 1); },
      moveAction(i, by) {
        const j = i + by;
        if (j < 0 || j >= this.actions.length) return;
        const [item] = this.actions.splice(i, 1);
        this.actions.splice(j, 0, item);
      },
      actionChanged(action) {
        for (const key of Object.keys(action)) if (key !== "type") delete action[key];
      },
      conditionsJson() {
        return JSON.stringify({
          match: this.match,
          groups: this.groups.map((g) => ({
            match: g.match,
            conditions: g.conditions.map((c) => (this.needsValue(c.op) ? c : { field: c.field, op: c.op })),
          })),
        });
      },
      actionsJson() {
        return JSON.stringify(this.actions.map((a) => {
          const params = this.kind(a.type).params;
          return Object.fromEntries(Object.entries(a).filter(([k, v]) => k === "type" || (params.includes(k) && v !== "")));
        }));
      },
    };
  });
});
