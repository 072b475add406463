/**
 * Wires the client together: auth → character list → zone, and back.
 *
 * Layout: network/ talks to the server (SDK client, auth, characters API, entering a
 * zone); render/ draws with PixiJS; input/ reads the keyboard; ui/ drives the HTML
 * panels; game/ runs a play: one stay in a zone after another, with the transfers
 * between them (state → scene, interpolation, input pump).
 */
import "./ui/styles.css";
import type { CharacterSummary } from "@oatnut/shared";
import { CombatControls } from "./game/combatControls.ts";
import { PlaySession } from "./game/playSession.ts";
import { Keyboard } from "./input/keyboard.ts";
import { restoreSession, signIn, signInAsGuest, signOut, signUp } from "./network/auth.ts";
import { createCharacter, deleteCharacter, listCharacters, playCharacter } from "./network/characters.ts";
import { ACCOUNT_GONE_MESSAGE, errorMessage, isAccountGone } from "./network/errors.ts";
import { enterZone } from "./network/zone.ts";
import { Stage } from "./render/stage.ts";
import { fightSnapshot, installTestHook, selfSnapshot } from "./testHook.ts";
import { AuthPanel } from "./ui/authPanel.ts";
import { ChatPanel } from "./ui/chatPanel.ts";
import { CharactersPanel } from "./ui/charactersPanel.ts";
import { byId } from "./ui/dom.ts";
import { GameHud } from "./ui/gameHud.ts";
import { Guidance } from "./ui/guidance.ts";
import { Hud } from "./ui/hud.ts";
import { Screens } from "./ui/screens.ts";

const screens = new Screens();
const keyboard = new Keyboard();
const stage = new Stage();
const stageReady = stage.init(byId("game-root"));
let session: PlaySession | null = null;

installTestHook(() => {
  const zone = screens.screen === "game" ? session?.snapshot() : undefined;
  return {
    screen: screens.screen,
    zone: zone?.zone ?? null,
    self: selfSnapshot(zone),
    selfServer: zone?.selfServer ?? null,
    selfPredicted: zone?.selfPredicted ?? null,
    others: zone?.others ?? [],
    frame: zone?.frame ?? 0,
    rttMs: zone?.rttMs ?? 0,
    clockSettled: zone?.clockSettled ?? false,
    serverTimeMs: zone?.serverTimeMs ?? 0,
    ...fightSnapshot(zone, gameHud.deathScreenShown),
    nameLabels: zone?.nameLabels ?? [],
    guidance: guidance.snapshot(),
  };
});

const authPanel = new AuthPanel({
  signIn,
  signUp,
  guest: signInAsGuest,
  signedIn: () => showCharacters(),
});

const charactersPanel = new CharactersPanel({
  list: listCharacters,
  create: createCharacter,
  remove: (character) => deleteCharacter(character.id),
  play,
  signOut: async () => {
    await signOut();
    showAuth();
  },
  unauthorized: (error) => {
    void signOut();
    showAuth(isAccountGone(error) ? ACCOUNT_GONE_MESSAGE : "Your session has expired. Please sign in again.");
  },
});

const hud = new Hud(() => void session?.leave());
const chat = new ChatPanel((text, to) => session?.say(text, to));
const gameHud = new GameHud({ run: (action) => controls.handle(action), useItem: (item) => controls.useItem(item) });
const guidance = new Guidance((dx, dy) => keyboard.setHeldDirection(dx, dy));
const controls = new CombatControls(() => session?.actions ?? null, {
  hint: (text) => gameHud.hint(text),
  toggleInventory: () => gameHud.toggleInventory(),
});
keyboard.onAction((action) => controls.handle(action));

function showAuth(message = ""): void {
  authPanel.open(message);
  screens.show("auth");
}

function showCharacters(message = ""): void {
  screens.show("characters");
  void charactersPanel.open(message);
}

async function play(character: CharacterSummary): Promise<void> {
  try {
    await stageReady;
  } catch (error) {
    throw new Error(
      `This browser cannot draw the game (${errorMessage(error, "no WebGL")}). Try another browser, or turn on hardware acceleration in this one.`,
      { cause: error },
    );
  }
  const reservation = await playCharacter(character.id);
  const room = await enterZone(reservation);
  // Synchronously after joining: the session must listen before the first state arrives.
  session = new PlaySession(room, stage, keyboard, {
    zone: (map) => hud.setZone(map.displayName),
    selfName: (name) => hud.setCharacter(name),
    notice: (text) => hud.notice(text),
    chat: (line) => chat.add(line),
    connectionLost: () => hud.notice("Connection lost — reconnecting…", true),
    connectionRestored: () => hud.clearNotice(),
    cue: (cue) => {
      controls.cue(cue);
      gameHud.cue(cue);
    },
    ended: (message) => {
      session = null;
      guidance.close();
      chat.setActive(false);
      keyboard.setEnabled(false);
      showCharacters(message ?? "");
    },
  });
  hud.open(character.name);
  gameHud.open();
  guidance.open(character.id);
  controls.cooldowns.clear();
  chat.setActive(true);
  keyboard.setEnabled(true);
  screens.show("game");
}

stage.onFrame((now) => session?.frame(now));
stage.onFrame((now) => {
  if (screens.screen !== "game") return;
  gameHud.update(now, session, controls.cooldowns);
  guidance.update(session?.world.scene ?? null, stage.width, stage.height);
});
// A click on the view selects a target or picks up loot.
void stageReady.then(
  () =>
    stage.app.canvas.addEventListener("pointerdown", (event) => {
      if (event.button === 0 && screens.screen === "game" && session) controls.click(event.offsetX, event.offsetY);
    }),
  () => undefined,
);

// Closing or reloading the tab leaves the zone at once instead of waiting for the
// server's reconnection window to run out.
window.addEventListener("pagehide", () => void session?.leave());

// A stored, still valid token goes straight to the character panel; one whose account
// is gone is forgotten, and the sign-in panel says why.
void restoreSession().then((check) => {
  if (check.status === "signed-in") showCharacters();
  else if (check.status === "unreachable") showAuth(errorMessage(check.error));
  else if (check.status === "account-gone") showAuth(ACCOUNT_GONE_MESSAGE);
  else showAuth();
});

stageReady.catch((error: unknown) => console.error("PixiJS failed to start", error));
