import type { MessageKey } from '../i18n/index.js';
import type { RequestContext } from './context.js';
import type { Reply } from './reply.js';
import type { Role } from './roles.js';

export const EVERYONE: readonly Role[] = ['employee', 'manager', 'hr', 'admin'];

export interface CommandRoute {
  /** The subcommand after /integrity. */
  name: string;
  roles: readonly Role[];
  /** One line for /integrity help, with the usage in it. */
  helpKey: MessageKey;
  /**
   * Who sees that line in help, when fewer than may call the command (`stats` answers an employee
   * only with a pointer to `me`). Help lists only what the member's roles may run.
   */
  helpRoles?: readonly Role[];
  /** Help lines for subcommands that fewer roles may run (`pledge open` for officers). */
  subcommandHelp?: readonly { key: MessageKey; roles: readonly Role[] }[];
  /** Commands hidden from help still work (e.g. console-only helpers). */
  hidden?: boolean;
  handle(ctx: RequestContext, args: string[]): Promise<Reply>;
}

export interface ActionRoute {
  /** The action name inside the action-id codec. */
  name: string;
  roles: readonly Role[];
  handle(ctx: RequestContext, args: string[]): Promise<Reply>;
}

export interface FormRoute {
  /** The form's name inside the action-id codec. */
  name: string;
  roles: readonly Role[];
  handle(ctx: RequestContext, args: string[], fields: Readonly<Record<string, string>>): Promise<Reply>;
  /**
   * Validates one field as it is entered, given the fields before it; throws a UserError tied to the
   * field. The same checks `handle` makes, so a form filled field by field fails nowhere later.
   */
  check?(ctx: RequestContext, args: string[], fields: Readonly<Record<string, string>>, field: string): Promise<void>;
}

export type EventHandler = (ctx: RequestContext) => Promise<Reply>;

export interface Routes {
  commands: CommandRoute[];
  actions: ActionRoute[];
  forms?: FormRoute[];
  /** Platform events that are not commands or actions (everyone may trigger them). */
  events?: Partial<Record<'app_home_opened' | 'member_joined', EventHandler>>;
}
