// A destructive button that asks first, in the page: "Reset the lab…" shows what will happen and a
// "Yes" and a "Cancel". The markup is the caller's: .lab-reset__ask, __confirm, __yes, __no, __status, or the same
// parts under another block name (`block`), for a control that sits inside the reset's own panel.

export function confirmThen(
  root: HTMLElement,
  act: (say: (text: string) => void) => Promise<void>,
  block = "lab-reset",
): void {
  const ask = root.querySelector<HTMLButtonElement>(`.${block}__ask`)!;
  const confirm = root.querySelector<HTMLElement>(`.${block}__confirm`)!;
  const yes = root.querySelector<HTMLButtonElement>(`.${block}__yes`)!;
  const no = root.querySelector<HTMLButtonElement>(`.${block}__no`)!;
  const status = root.querySelector<HTMLElement>(`.${block}__status`)!;
  const say = (text: string) => (status.textContent = text);
  ask.addEventListener("click", () => {
    ask.hidden = true;
    confirm.hidden = false;
    say("");
    no.focus();
  });
  no.addEventListener("click", () => {
    confirm.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  yes.addEventListener("click", async () => {
    confirm.hidden = true;
    ask.hidden = false;
    ask.disabled = true;
    try {
      await act(say);
    } catch (error) {
      say(`✗ ${(error as Error).message}`);
    } finally {
      ask.disabled = false;
    }
  });
}
