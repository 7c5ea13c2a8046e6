/**
 * NAVER WORKS Bot API 2.0 limits, from developers.worksmobile.com (kr/docs/…), read in December 2026.
 * Characters are counted as NAVER WORKS counts them (code points is the safe reading).
 */

/** bot-send-text: a text message's `text`, 2,000 characters. */
export const NAVERWORKS_TEXT_MAX = 2000;
/** bot-send-button: a button template's `contentText`, 1,000 characters. */
export const NAVERWORKS_BUTTON_TEXT_MAX = 1000;
/** bot-send-button: "버튼 템플릿의 버튼은 최대 10개까지". */
export const NAVERWORKS_BUTTONS_MAX = 10;
/** bot-actionobject: an action's `label`, 20 characters (12 in an image carousel, not used here). */
export const NAVERWORKS_ACTION_LABEL_MAX = 20;
/**
 * bot-actionobject: a postback action's `data` and `displayText` hold 300 characters. The page gives
 * no figure for a message action's `postback` and `text`; the same 300 is assumed. Probity's action
 * ids are at most 100 characters (src/ui/actionId.ts), well inside it.
 */
export const NAVERWORKS_POSTBACK_MAX = 300;
export const NAVERWORKS_MESSAGE_ACTION_TEXT_MAX = 300;
/**
 * bot-persistentmenu: the documentation read gives no count of menu actions; four is what the client
 * shows without scrolling and is kept as the conservative figure.
 */
export const NAVERWORKS_MENU_ACTIONS_MAX = 4;
/**
 * Pieces one long text is split into at most: NAVER WORKS has no limit here, but a message that needs
 * more than this is cut with "…" rather than flood a conversation.
 */
export const NAVERWORKS_TEXT_PIECES_MAX = 4;
/** users list (GET /users): `count` is 100 at most per page. */
export const NAVERWORKS_USERS_PAGE_MAX = 100;
/**
 * rate-limits: 240 requests a minute per API on paid plans, 60 on the free plan; a 429 says
 * TOO_MANY_REQUESTS with the headers rateLimit-limit/-remaining/-reset (seconds to the reset). When a
 * 429 names no wait, a full minute — the window of the limit — is waited.
 */
export const NAVERWORKS_RATE_WINDOW_MS = 60_000;
/** A callback larger than this is not a NAVER WORKS event: refused before it is read to the end. */
export const NAVERWORKS_CALLBACK_MAX_BYTES = 1024 * 1024;
/**
 * bot-attachment-create: "업로드할 수 있는 파일의 최대 크기는 관리자 화면 > 서비스 > 메시지 > 일반 >
 * 메시지/파일 관리에서 파일 1개 최대 첨부 용량으로 지정된 사이즈와 같다" — the limit of a "file" message
 * is whatever the organisation's admin set, and the documentation names no default. 10 MiB is taken
 * as a conservative floor: Probity's exports and charts are far smaller, and a file over it is named in
 * a note instead of being sent. (The 1 MB of that page applies to other message types and rich menus.)
 */
export const NAVERWORKS_FILE_MAX_BYTES = 10 * 1024 * 1024;
