/**
 * The character panel: the account's characters with Play and Delete, a form to create
 * one, and sign-out. API errors are shown in #characters-error.
 */
import type { CharacterSummary } from "@oatnut/shared";
import { zoneDisplayName } from "../game/zones.ts";
import { errorMessage, httpStatus } from "../network/errors.ts";
import { byId, make, setText } from "./dom.ts";

export interface CharactersActions {
  list(): Promise<CharacterSummary[]>;
  create(name: string): Promise<unknown>;
  remove(character: CharacterSummary): Promise<void>;
  /** Enters the world; resolves once in the zone. */
  play(character: CharacterSummary): Promise<void>;
  signOut(): Promise<void>;
  /** The server no longer accepts the token (HTTP 401; `error` says why). */
  unauthorized(error: unknown): void;
}

export class CharactersPanel {
  private readonly list = byId<HTMLUListElement>("character-list");
  private readonly empty = byId("characters-empty");
  private readonly form = byId<HTMLFormElement>("create-character-form");
  private readonly nameInput = byId<HTMLInputElement>("new-character-name");
  private readonly createButton = byId<HTMLButtonElement>("create-character-btn");
  private readonly signOutButton = byId<HTMLButtonElement>("signout-btn");
  private readonly error = byId("characters-error");
  private busy = false;
  /** Bumped on every load, so a slow old answer never overwrites a newer list. */
  private loadId = 0;

  constructor(private readonly actions: CharactersActions) {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = this.nameInput.value.trim();
      void this.run(async () => {
        await actions.create(name);
        this.nameInput.value = "";
        await this.load();
      });
    });
    this.signOutButton.addEventListener("click", () => void this.run(() => actions.signOut()));
  }

  /** Shows the panel's content afresh: `message` (e.g. why a zone was left), then the list. */
  async open(message = ""): Promise<void> {
    this.busy = false;
    this.setBusy(false);
    setText(this.error, message);
    try {
      await this.load();
    } catch (error) {
      this.fail(error, message);
    }
  }

  private async load(): Promise<void> {
    const id = ++this.loadId;
    const characters = await this.actions.list();
    if (id !== this.loadId) return;
    this.render(characters);
  }

  private render(characters: CharacterSummary[]): void {
    const items = characters.map((character) => {
      const item = make("li");
      item.dataset.characterName = character.name;
      item.dataset.characterId = character.id;
      const info = make("div", "character-info");
      info.append(make("span", "character-name", character.name));
      const zone = make("span", "character-zone", zoneDisplayName(character.zone));
      zone.dataset.zone = character.zone;
      info.append(zone);
      const play = make("button", "play-btn", "Play");
      play.type = "button";
      play.addEventListener("click", () => void this.run(() => this.actions.play(character)));
      const remove = make("button", "delete-btn danger", "Delete");
      remove.type = "button";
      remove.title = `Delete ${character.name}`;
      remove.addEventListener(
        "click",
        () =>
          void this.run(async () => {
            await this.actions.remove(character);
            await this.load();
          }),
      );
      item.append(info, play, remove);
      return item;
    });
    this.list.replaceChildren(...items);
    this.empty.hidden = characters.length > 0;
    this.setBusy(this.busy);
  }

  /** Runs one user action at a time, showing its error. */
  private async run(action: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    setText(this.error, "");
    this.setBusy(true);
    try {
      await action();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
      this.setBusy(false);
    }
  }

  /** Shows what went wrong, after `context` (a message already on show) if given. */
  private fail(error: unknown, context = ""): void {
    if (httpStatus(error) === 401) {
      this.actions.unauthorized(error);
      return;
    }
    setText(this.error, context ? `${context} ${errorMessage(error)}` : errorMessage(error));
  }

  private setBusy(busy: boolean): void {
    this.createButton.disabled = busy;
    this.signOutButton.disabled = busy;
    for (const button of this.list.querySelectorAll("button")) button.disabled = busy;
  }
}
