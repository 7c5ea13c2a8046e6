/** The roster the training and evidence tests share. */
export const TRAINING_HEADER = 'employee_no,name,email,department,roles,locale,promoted_on,head';
/** 시청 (one root): the mayor (head) directly; 감사과 7 with its manager and the officer; 총무과 5. */
export function trainingRoster(extra: string[] = []): string {
  const rows = [TRAINING_HEADER, '0001,시장,mayor@city.example,시청,manager,ko,,y', '9001,최담당,choi@city.example,시청/감사과,hr,ko,,', '1100,감사과장,chief@city.example,시청/감사과,manager,ko,,'];
  for (let i = 1; i <= 5; i++) rows.push(`110${i},감사${i},a${i}@city.example,시청/감사과,employee,ko,${i === 3 ? '2026-03-02' : ''},`);
  for (let i = 1; i <= 5; i++) rows.push(`120${i},총무${i},g${i}@city.example,시청/총무과,employee,${i === 5 ? 'en' : 'ko'},,`);
  return [...rows, ...extra].join('\n');
}
