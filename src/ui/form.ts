/**
 * Forms as plain data: a Slack modal, a Discord modal, or prompts one field at a time in the console.
 * Fields are text inputs (Discord modals hold at most five, each with a label of ≤ 45 characters);
 * `maxLength` is passed to the platform so it refuses over-long input before the core has to.
 */
export const FORM_MAX_FIELDS = 5;
export const FORM_LABEL_MAX = 45;

export interface FormField {
  id: string;
  label: string;
  multiline?: boolean;
  required: boolean;
  maxLength: number;
  initial?: string;
  placeholder?: string;
}

export interface Form {
  /** Encoded with the action-id codec: the submit route's name and its arguments. */
  id: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
}
