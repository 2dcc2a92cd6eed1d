// A destructive button that asks first, in the page: "Reset the lab…" shows what will happen and a
// "Yes" and a "Cancel". The markup is the caller's: .lab-reset__ask, __confirm, __yes, __no, __status.

export function confirmThen(root: HTMLElement, act: (say: (text: string) => void) => Promise<void>): void {
  const ask = root.querySelector<HTMLButtonElement>(".lab-reset__ask")!;
  const confirm = root.querySelector<HTMLElement>(".lab-reset__confirm")!;
  const yes = root.querySelector<HTMLButtonElement>(".lab-reset__yes")!;
  const no = root.querySelector<HTMLButtonElement>(".lab-reset__no")!;
  const status = root.querySelector<HTMLElement>(".lab-reset__status")!;
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
