// Progressive enhancement of the talk and event forms: without JavaScript every field shows and
// the server validates everything; with it, only the fields that apply to the chosen contact show.
document.addEventListener("DOMContentLoaded", () => {
  const show = (id, visible) => {
    const el = document.getElementById(id);
    if (el) el.hidden = !visible;
  };

  const talkForm = document.getElementById("talk-form");
  if (talkForm) {
    const contact = talkForm.querySelector("select[name=contact]");
    const event = talkForm.querySelector("select[name=must_talk_event]");
    const update = () => {
      const option = contact.selectedOptions[0];
      const category = option ? option.dataset.category : "";
      show("div_id_aspects", !category || category === "teacher");
      show("div_id_observation", !category || category === "activist");
      if (event) {
        let visible = 0;
        Array.from(event.options).forEach((opt) => {
          const mine = !opt.dataset.contact || !contact.value || opt.dataset.contact === contact.value;
          opt.hidden = !mine;
          if (opt.dataset.contact && mine) visible += 1;
          if (!mine && opt.selected) event.value = "";
        });
        show("div_id_must_talk_event", visible > 0);
      }
    };
    contact.addEventListener("change", update);
    update();
  }

  const eventForm = document.getElementById("event-form");
  if (eventForm && eventForm.dataset.subkinds) {
    const map = JSON.parse(eventForm.dataset.subkinds);
    const category = eventForm.querySelector("select[name=category]");
    const subKind = eventForm.querySelector("select[name=sub_kind]");
    // R51: "found or reported by the masses" is asked of category 4 only.
    const howKnown = eventForm.querySelector("select[name=how_known]");
    const howKnownBlock = howKnown && (howKnown.closest(".mb-3") || howKnown.parentElement);
    const update = () => {
      const allowed = map[category.value] || [];
      Array.from(subKind.options).forEach((opt) => {
        opt.hidden = !allowed.includes(opt.value);
      });
      if (!allowed.includes(subKind.value)) subKind.value = allowed[0] || "";
      if (howKnownBlock) howKnownBlock.hidden = category.value !== "4";
    };
    category.addEventListener("change", update);
    update();
  }
});
