/** Which of the three screens is on show: the panels, the HUD and the canvas. */
import type { Screen } from "../snapshot.ts";
import { byId } from "./dom.ts";

export class Screens {
  private current: Screen = "auth";
  private readonly auth = byId("auth-panel");
  private readonly characters = byId("characters-panel");
  private readonly hud = byId("hud");
  private readonly canvas = byId("game-root");

  constructor() {
    this.canvas.hidden = true;
  }

  get screen(): Screen {
    return this.current;
  }

  show(screen: Screen): void {
    this.current = screen;
    this.auth.hidden = screen !== "auth";
    this.characters.hidden = screen !== "characters";
    this.hud.hidden = screen !== "game";
    this.canvas.hidden = screen !== "game";
    if (document.activeElement instanceof HTMLElement && screen === "game") document.activeElement.blur();
  }
}
