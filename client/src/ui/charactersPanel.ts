/**
 * The character panel: the account's characters (name, level, zone) with Play and
 * Delete, a form to create one, and sign-out. API errors are shown in #characters-error.
 *
 * Deleting asks first: a dialog names the character and what is lost, and its delete
 * button stays disabled until the player has typed the character's name. Creating is
 * disabled, with the reason shown, once the account has MAX_CHARACTERS_PER_ACCOUNT.
 */
import { MAX_CHARACTERS_PER_ACCOUNT, type CharacterSummary } from "@oatnut/shared";
import { zoneDisplayName } from "../game/zones.ts";
import { errorMessage, httpStatus } from "../network/errors.ts";
import "./accountScreens.css";
import { byId, make, setText } from "./dom.ts";
import { showTitleBackdrop } from "./titleBackdrop.ts";

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

/** Why Create is disabled at the limit. */
export const CHARACTER_LIMIT_MESSAGE = `You have ${MAX_CHARACTERS_PER_ACCOUNT} characters, the most an account can have. Delete one to make room for a new one.`;

/** Whether the name typed to confirm a deletion is the character's (surrounding spaces aside). */
function confirmsDeletion(typed: string, name: string): boolean {
  return typed.trim() === name;
}

export class CharactersPanel {
  private readonly list = byId<HTMLUListElement>("character-list");
  private readonly empty = byId("characters-empty");
  private readonly form = byId<HTMLFormElement>("create-character-form");
  private readonly nameInput = byId<HTMLInputElement>("new-character-name");
  private readonly createButton = byId<HTMLButtonElement>("create-character-btn");
  private readonly limit = byId("characters-limit");
  private readonly signOutButton = byId<HTMLButtonElement>("signout-btn");
  private readonly error = byId("characters-error");
  private readonly dialog = byId<HTMLDialogElement>("delete-dialog");
  private readonly deleteForm = byId<HTMLFormElement>("delete-form");
  private readonly deleteTitle = byId("delete-title");
  private readonly deleteLabel = byId("delete-confirm-label");
  private readonly deleteInput = byId<HTMLInputElement>("delete-confirm-name");
  private readonly deleteButton = byId<HTMLButtonElement>("delete-confirm-btn");
  private readonly cancelButton = byId<HTMLButtonElement>("delete-cancel-btn");
  private busy = false;
  /** At MAX_CHARACTERS_PER_ACCOUNT: Create stays disabled. */
  private full = false;
  /** The character the delete dialog is about. */
  private deleting: CharacterSummary | null = null;
  /** Bumped on every load, so a slow old answer never overwrites a newer list. */
  private loadId = 0;

  constructor(private readonly actions: CharactersActions) {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.full) return;
      const name = this.nameInput.value.trim();
      void this.run(async () => {
        await actions.create(name);
        this.nameInput.value = "";
        await this.load();
      });
    });
    this.signOutButton.addEventListener("click", () => void this.run(() => actions.signOut()));

    this.deleteInput.addEventListener("input", () => this.updateDeleteButton());
    this.deleteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const character = this.deleting;
      if (!character || !confirmsDeletion(this.deleteInput.value, character.name)) return;
      this.closeDeleteDialog();
      void this.run(async () => {
        await this.actions.remove(character);
        await this.load();
      });
    });
    this.cancelButton.addEventListener("click", () => this.closeDeleteDialog());
    // Escape closes the dialog too (the browser's own "cancel").
    this.dialog.addEventListener("close", () => {
      this.deleting = null;
    });
  }

  /** Shows the panel's content afresh: `message` (e.g. why a zone was left), then the list. */
  async open(message = ""): Promise<void> {
    showTitleBackdrop();
    this.closeDeleteDialog();
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
      const details = make("span", "character-details");
      const level = make("span", "character-level", `Level ${character.level}`);
      level.dataset.level = String(character.level);
      const zone = make("span", "character-zone", zoneDisplayName(character.zone));
      zone.dataset.zone = character.zone;
      details.append(level, " · ", zone);
      info.append(details);
      const play = make("button", "play-btn", "Play");
      play.type = "button";
      play.addEventListener("click", () => void this.run(() => this.actions.play(character)));
      const remove = make("button", "delete-btn danger", "Delete");
      remove.type = "button";
      remove.title = `Delete ${character.name}`;
      remove.addEventListener("click", () => this.openDeleteDialog(character));
      item.append(info, play, remove);
      return item;
    });
    this.list.replaceChildren(...items);
    this.empty.hidden = characters.length > 0;
    this.full = characters.length >= MAX_CHARACTERS_PER_ACCOUNT;
    setText(this.limit, this.full ? CHARACTER_LIMIT_MESSAGE : "");
    this.limit.hidden = !this.full;
    this.setBusy(this.busy);
  }

  private openDeleteDialog(character: CharacterSummary): void {
    if (this.busy) return;
    this.deleting = character;
    setText(this.deleteTitle, `Delete ${character.name}?`);
    setText(this.deleteLabel, `Type ${character.name} to confirm.`);
    this.deleteInput.value = "";
    this.deleteInput.placeholder = character.name;
    this.updateDeleteButton();
    if (!this.dialog.open) this.dialog.showModal();
    this.deleteInput.focus();
  }

  private closeDeleteDialog(): void {
    this.deleting = null;
    if (this.dialog.open) this.dialog.close();
  }

  private updateDeleteButton(): void {
    const character = this.deleting;
    this.deleteButton.disabled = !character || !confirmsDeletion(this.deleteInput.value, character.name);
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
    this.createButton.disabled = busy || this.full;
    this.nameInput.disabled = this.full;
    this.signOutButton.disabled = busy;
    for (const button of this.list.querySelectorAll("button")) button.disabled = busy;
  }
}
