/**
 * The /integrity slash command for Discord: the same subcommands as every other adapter, with Korean
 * names and descriptions as localisations. Registered (idempotently: a bulk overwrite) by
 * `npm run cli -- discord register [--guild <id>]`.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';

type Option = { name: string; ko: string; en: string; koDescription: string; choices?: { value: string; ko: string; en: string }[]; required?: boolean };
type Subcommand = { name: string; ko: string; en: string; koDescription: string; options?: Option[] };

const SUBCOMMANDS: Subcommand[] = [
  { name: 'quiz', ko: '퀴즈', en: "Take today's integrity quiz", koDescription: '오늘의 청렴 퀴즈 풀기' },
  { name: 'me', ko: '내기록', en: 'Your streak and record (only you see it)', koDescription: '나의 연속 참여와 기록 (본인만 보기)' },
  { name: 'whoami', ko: '내정보', en: 'Your employee number, department, roles and language', koDescription: '내 사번·부서·역할·언어' },
  {
    name: 'lang',
    ko: '언어',
    en: 'Change the language',
    koDescription: '언어 바꾸기',
    options: [{ name: 'language', ko: '언어', en: 'Language', koDescription: '언어', required: true, choices: [{ value: 'ko', ko: '한국어', en: 'Korean' }, { value: 'en', ko: '영어', en: 'English' }] }],
  },
  {
    name: 'dm',
    ko: '개인메시지',
    en: 'Get quizzes and notices by direct message, or stop',
    koDescription: '퀴즈와 알림을 개인 메시지로 받기 / 그만 받기',
    options: [{ name: 'choice', ko: '선택', en: 'On or off', koDescription: '받기 또는 그만 받기', required: true, choices: [{ value: 'on', ko: '받기', en: 'On' }, { value: 'off', ko: '그만 받기', en: 'Off' }] }],
  },
  { name: 'help', ko: '도움말', en: 'What you can do', koDescription: '사용할 수 있는 명령' },
  { name: 'status', ko: '발송현황', en: 'Recent deliveries (integrity officers, admins)', koDescription: '최근 발송 현황 (청렴·감사 담당, 관리자)' },
  {
    name: 'schedule',
    ko: '일정',
    en: 'Delivery schedules (integrity officers, admins)',
    koDescription: '발송 일정 관리 (청렴·감사 담당, 관리자)',
    options: [
      { name: 'action', ko: '동작', en: 'What to do', koDescription: '할 일', required: true, choices: [{ value: 'list', ko: '목록', en: 'List' }, { value: 'pause', ko: '일시중지', en: 'Pause' }, { value: 'resume', ko: '재개', en: 'Resume' }] },
      { name: 'name', ko: '이름', en: 'Schedule name', koDescription: '일정 이름' },
    ],
  },
  {
    name: 'pledge',
    ko: '서약',
    en: 'Read and sign integrity pledges; officers open campaigns and follow completion',
    koDescription: '청렴 서약 읽고 서명하기 · 담당자: 캠페인 시작과 현황',
    options: [
      { name: 'action', ko: '동작', en: 'show, open, status or nonsigners (empty: your pledges)', koDescription: 'show, open, status, nonsigners (비우면 나의 서약)', choices: [{ value: 'show', ko: '보기', en: 'Show' }, { value: 'open', ko: '캠페인 시작', en: 'Open a campaign' }, { value: 'status', ko: '현황', en: 'Status' }, { value: 'nonsigners', ko: '미서명자', en: 'Non-signers' }, { value: 'close', ko: '캠페인 종료', en: 'Close a campaign' }] },
      { name: 'pledge', ko: '서약', en: 'Pledge (e.g. all-staff, leadership), or a campaign number to close', koDescription: '서약 이름 (예: all-staff, leadership) 또는 마칠 캠페인 번호' },
      { name: 'audience', ko: '대상', en: 'all, leaders or a department path', koDescription: 'all, leaders 또는 부서 경로' },
      { name: 'due', ko: '기한', en: 'Due date YYYY-MM-DD', koDescription: '기한 YYYY-MM-DD' },
    ],
  },
  {
    name: 'announce',
    ko: '서한',
    en: 'Integrity letters: write, follow, remind (managers, integrity officers)',
    koDescription: '청렴 서한 작성·현황·재안내 (간부, 청렴·감사 담당)',
    options: [
      { name: 'action', ko: '동작', en: 'Empty: write a letter', koDescription: '비우면 새 서한 작성', choices: [{ value: 'template', ko: '양식', en: 'From a template' }, { value: 'list', ko: '목록', en: 'List' }, { value: 'status', ko: '현황', en: 'Status' }, { value: 'remind', ko: '재안내', en: 'Remind' }, { value: 'cancel', ko: '예약 취소', en: 'Cancel' }, { value: 'mandatory', ko: '필수 서한', en: 'A mandatory letter (no holdout)' }] },
      { name: 'target', ko: '대상', en: 'Letter number, or template name (holiday)', koDescription: '서한 번호 또는 양식 이름 (holiday)' },
    ],
  },
  { name: 'letters', ko: '받은서한', en: 'Integrity letters sent to you: read again, acknowledge', koDescription: '내가 받은 청렴 서한 다시 보기와 확인' },
  {
    name: 'pulse',
    ko: '체감설문',
    en: 'Anonymous integrity perception pulse; officers open, close and read results',
    koDescription: '익명 청렴 체감 설문 응답 · 담당자: 시작, 마감, 결과',
    options: [
      { name: 'action', ko: '동작', en: 'respond opens the form (empty: the open pulse)', koDescription: 'respond: 응답 양식 열기 (비우면 진행 중인 설문)', choices: [{ value: 'respond', ko: '응답하기', en: 'Respond' }, { value: 'open', ko: '시작', en: 'Open' }, { value: 'close', ko: '마감', en: 'Close' }, { value: 'results', ko: '결과', en: 'Results' }, { value: 'list', ko: '목록', en: 'List' }] },
      { name: 'target', ko: '대상설문', en: 'Pulse to open (integrity-climate), or a run number', koDescription: '시작할 설문 이름 (integrity-climate) 또는 회차 번호' },
      { name: 'audience', ko: '대상', en: 'all or a department path', koDescription: 'all 또는 부서 경로' },
      { name: 'closes', ko: '마감일', en: 'Closing day YYYY-MM-DD', koDescription: '마감일 YYYY-MM-DD' },
    ],
  },
  {
    name: 'plan',
    ko: '추진계획',
    en: "This year's integrity plan; owners check in, managers and officers follow it",
    koDescription: '올해 청렴 추진계획 · 담당 과제 점검 · 간부·담당자: 점검 현황',
    options: [
      { name: 'action', ko: '동작', en: 'checkin or status (empty: the plan)', koDescription: 'checkin: 과제 점검, status: 점검 현황 (비우면 계획)', choices: [{ value: 'checkin', ko: '점검', en: 'Check in' }, { value: 'status', ko: '현황', en: 'Status' }] },
      { name: 'target', ko: '과제', en: 'Task id (checkin, e.g. S1-1-1) or department path (status)', koDescription: '과제 id (점검, 예: S1-1-1) 또는 부서 경로 (현황)' },
      { name: 'state', ko: '상태', en: 'Status of the task (checkin)', koDescription: '과제 상태 (점검)', choices: [{ value: 'on_track', ko: '순조', en: 'On track' }, { value: 'at_risk', ko: '위험', en: 'At risk' }, { value: 'late', ko: '지연', en: 'Late' }, { value: 'done', ko: '완료', en: 'Done' }] },
      { name: 'progress', ko: '진행률', en: 'Progress % (checkin; empty: a form asks)', koDescription: '진행률 % (점검, 비우면 양식에서 입력)' },
      { name: 'note', ko: '메모', en: 'A short note (checkin)', koDescription: '간단한 메모 (점검)' },
    ],
  },
  {
    name: 'stats',
    ko: '통계',
    en: 'Participation statistics and a chart (managers, integrity officers)',
    koDescription: '참여 통계와 차트 (간부, 청렴·감사 담당)',
    options: [
      { name: 'view', ko: '보기', en: 'Empty: quiz participation; training: the anti-corruption training duty', koDescription: '비우면 퀴즈 참여, training: 청렴교육 이수', choices: [{ value: 'training', ko: '청렴교육', en: 'Training' }] },
      { name: 'period', ko: '기간', en: 'week, month, quarter, year, 2026, 2026-03, 2026-Q1 …', koDescription: 'week, month, quarter, year, 2026, 2026-03, 2026-Q1 …' },
      { name: 'department', ko: '부서', en: 'Department path', koDescription: '부서 경로' },
    ],
  },
  { name: 'training', ko: '청렴교육', en: 'Your anti-corruption training this year (only you see it)', koDescription: '올해 나의 청렴교육 이수 현황 (본인만 보기)' },
  {
    name: 'export',
    ko: '내보내기',
    en: 'Evidence exports as CSV or XLSX (integrity officers, admins)',
    koDescription: '증빙 자료 CSV·XLSX 내보내기 (청렴·감사 담당, 관리자)',
    options: [
      { name: 'kind', ko: '종류', en: 'What to export', koDescription: '내보낼 자료', required: true, choices: [{ value: 'participation', ko: '부서별 참여', en: 'Participation' }, { value: 'topics', ko: '주제별 정답률', en: 'Topics' }, { value: 'pledges', ko: '서약 서명', en: 'Pledges' }, { value: 'announcements', ko: '청렴 서한', en: 'Letters' }, { value: 'pulses', ko: '청렴 체감 설문', en: 'Integrity pulses' }] },
      { name: 'period', ko: '기간', en: 'week, month, quarter, year, 2026 …', koDescription: 'week, month, quarter, year, 2026 …' },
      { name: 'format', ko: '형식', en: 'csv or xlsx', koDescription: 'csv 또는 xlsx', choices: [{ value: 'csv', ko: 'CSV', en: 'CSV' }, { value: 'xlsx', ko: 'XLSX', en: 'XLSX' }] },
    ],
  },
  {
    name: 'report',
    ko: '보고서',
    en: 'The annual report, the integrity plan report, a campaign\'s effect (integrity officers, admins)',
    koDescription: '연간 청렴 활동 보고서 · 추진계획 보고 자료 · 캠페인 효과 (청렴·감사 담당, 관리자)',
    options: [
      { name: 'kind', ko: '종류', en: 'Report', koDescription: '보고서', required: true, choices: [{ value: 'annual', ko: '연간', en: 'Annual' }, { value: 'plan', ko: '추진계획', en: 'Integrity plan' }, { value: 'effect', ko: '효과', en: 'Effect' }] },
      { name: 'year', ko: '연도', en: 'Year, e.g. 2026 (annual); a day YYYY-MM-DD, empty for today (plan)', koDescription: '연도 (연간, 예: 2026) · 기준일 YYYY-MM-DD, 비우면 오늘 (추진계획)' },
      { name: 'campaign', ko: '캠페인', en: 'Campaign (effect): a schedule name or letter:<number>', koDescription: '캠페인 (효과): 일정 이름 또는 letter:<번호>' },
    ],
  },
  { name: 'dashboard', ko: '대시보드', en: 'Sign-in link to the web dashboard (managers, integrity officers, admins)', koDescription: '웹 대시보드 로그인 링크 (간부, 청렴·감사 담당, 시스템 관리자)' },
];

/** Option order per subcommand: how options become the core command's arguments. */
export const ARGUMENT_ORDER: Readonly<Record<string, readonly string[]>> = Object.fromEntries(SUBCOMMANDS.map((s) => [s.name, (s.options ?? []).map((o) => o.name)]));

export function integrityCommand(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: 'integrity',
      name_localizations: { ko: '청렴' },
      description: 'Probity: integrity quizzes, your record and help',
      description_localizations: { ko: 'Probity 청렴 도우미: 퀴즈, 내 기록, 도움말' },
      // Usable in servers; DMs with the bot are for delivery only.
      contexts: [0],
      options: SUBCOMMANDS.map((s) => ({
        type: ApplicationCommandOptionType.Subcommand,
        name: s.name,
        name_localizations: { ko: s.ko },
        description: s.en,
        description_localizations: { ko: s.koDescription },
        options: (s.options ?? []).map((o) => ({
          type: ApplicationCommandOptionType.String,
          name: o.name,
          name_localizations: { ko: o.ko },
          description: o.en,
          description_localizations: { ko: o.koDescription },
          required: o.required ?? false,
          ...(o.choices ? { choices: o.choices.map((c) => ({ name: c.en, name_localizations: { ko: c.ko }, value: c.value })) } : {}),
        })),
      })),
    },
  ];
}
