/**
 * The sign-in panel: email + password sign in or sign up, or play as a guest, over the
 * starting zone drawn from its map (titleBackdrop.ts). Shows the server's error text, as
 * it is, in #auth-error.
 */
import { errorMessage } from "../network/errors.ts";
import "./accountScreens.css";
import { byId, setText } from "./dom.ts";
import { showTitleBackdrop } from "./titleBackdrop.ts";

export interface AuthActions {
  signIn(email: string, password: string): Promise<unknown>;
  signUp(email: string, password: string): Promise<unknown>;
  guest(): Promise<unknown>;
  /** Called after any successful sign-in. */
  signedIn(): void;
}

export class AuthPanel {
  private readonly form = byId<HTMLFormElement>("auth-form");
  private readonly email = byId<HTMLInputElement>("email");
  private readonly password = byId<HTMLInputElement>("password");
  private readonly buttons = [
    byId<HTMLButtonElement>("signin-btn"),
    byId<HTMLButtonElement>("signup-btn"),
    byId<HTMLButtonElement>("guest-btn"),
  ];
  private readonly error = byId("auth-error");

  constructor(private readonly actions: AuthActions) {
    // Enter in a field submits the form, which means "sign in".
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.withCredentials((email, password) => actions.signIn(email, password));
    });
    byId("signup-btn").addEventListener("click", () => {
      void this.withCredentials((email, password) => actions.signUp(email, password));
    });
    byId("guest-btn").addEventListener("click", () => void this.run(() => actions.guest()));
  }

  /** Resets the panel for display; `message` explains why the player is here, if needed. */
  open(message = ""): void {
    showTitleBackdrop();
    this.password.value = "";
    setText(this.error, message);
    this.setBusy(false);
  }

  private async withCredentials(call: (email: string, password: string) => Promise<unknown>): Promise<void> {
    const email = this.email.value.trim();
    const password = this.password.value;
    if (!email || !password) {
      setText(this.error, "Enter an email address and a password.");
      return;
    }
    await this.run(() => call(email, password));
  }

  private async run(call: () => Promise<unknown>): Promise<void> {
    setText(this.error, "");
    this.setBusy(true);
    try {
      await call();
    } catch (error) {
      setText(this.error, errorMessage(error));
      this.setBusy(false);
      return;
    }
    this.setBusy(false);
    this.password.value = "";
    this.actions.signedIn();
  }

  private setBusy(busy: boolean): void {
    for (const button of this.buttons) button.disabled = busy;
  }
}
