/** The console's two languages: Chinese for the seed's users, English beside it. */
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_COOKIE = 'artgen_lang';

const en = {
  appName: 'artgen console',
  signIn: 'Sign in',
  signOut: 'Sign out',
  apiKey: 'API key',
  apiKeyHelp: 'Paste an API key (ak_...). A read key can look at everything and change nothing.',
  signInFailed: 'This key cannot sign in: {reason}',
  signedInAs: 'Key {prefix}… ({scope})',
  readOnly: 'Read-only: this key can look but not change anything.',
  distillations: 'Distillations',
  tasks: 'Tasks',
  newTask: 'New task',
  search: 'Search keywords',
  searchButton: 'Search',
  keyword: 'Keyword',
  topics: 'Topics',
  topicsHelp: 'One question per line.',
  usage: 'Used',
  reserved: 'Reserved',
  created: 'Created',
  selectableNow: '{n} distillations can be used by a task right now (not deleted, with topics).',
  total: '{n} in total',
  add: 'Add distillation',
  added: 'Added distillation {id}.',
  importTitle: 'Import a CSV or JSON file',
  importHelp: 'CSV with a header keyword,topics; topics separated by |. Every line is checked before anything is written.',
  importFile: 'File',
  importText: 'Or paste the file',
  importButton: 'Check and import',
  imported: 'Imported {n} distillations.',
  importRejected: 'Nothing was imported: fix these lines and try again.',
  importEmpty: 'Choose a file or paste its content.',
  importTooMany: 'The file has {n} distillations; import at most {max} at once (split the file).',
  line: 'Line',
  problem: 'Problem',
  noRows: 'Nothing here yet.',
  previous: 'Previous',
  next: 'Next',
  articleCount: 'Number of articles',
  available: '{n} available',
  priority: 'Priority (1-10)',
  concurrency: 'Articles at once (1-20)',
  autoApprove: 'Approve articles automatically',
  create: 'Create task',
  status: 'Status',
  allStatuses: 'All',
  filter: 'Filter',
  progress: 'Progress',
  firstKeyword: 'Distillations',
  task: 'Task {id}',
  cancel: 'Cancel task',
  retry: 'Retry task',
  cancelRequested: 'Cancel requested for task {id}.',
  retried: 'Task {id} runs again for positions {positions}.',
  selectedDistillations: 'Distillations in order of use',
  deleted: 'deleted',
  items: 'Articles',
  position: '#',
  state: 'State',
  attempts: 'Attempts',
  error: 'Error',
  title: 'Title',
  tokens: 'Tokens',
  duration: 'Duration',
  live: 'Updates live.',
  forbidden: 'Not allowed',
  forbiddenText: 'This key has scope {scope}; this change needs a write key.',
  notFound: 'Not found',
  somethingWrong: 'Something went wrong',
  csrfFailed: 'The form expired or came from another page. Reload the page and try again.',
  language: 'Language',
  back: 'Back',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const zh: Messages = {
  appName: 'artgen 控制台',
  signIn: '登录',
  signOut: '退出',
  apiKey: 'API 密钥',
  apiKeyHelp: '粘贴 API 密钥（ak_...）。只读密钥可以查看全部内容，但不能修改。',
  signInFailed: '此密钥无法登录：{reason}',
  signedInAs: '密钥 {prefix}…（{scope}）',
  readOnly: '只读：此密钥只能查看，不能修改。',
  distillations: '蒸馏结果',
  tasks: '任务',
  newTask: '新建任务',
  search: '搜索关键词',
  searchButton: '搜索',
  keyword: '关键词',
  topics: '话题',
  topicsHelp: '每行一个问题。',
  usage: '已使用',
  reserved: '已预留',
  created: '创建时间',
  selectableNow: '当前有 {n} 个蒸馏结果可被任务使用（未删除且有话题）。',
  total: '共 {n} 个',
  add: '添加蒸馏结果',
  added: '已添加蒸馏结果 {id}。',
  importTitle: '导入 CSV 或 JSON 文件',
  importHelp: 'CSV 表头为 keyword,topics，话题之间用 | 分隔。写入前会逐行检查。',
  importFile: '文件',
  importText: '或粘贴文件内容',
  importButton: '检查并导入',
  imported: '已导入 {n} 个蒸馏结果。',
  importRejected: '未导入任何内容：请修正以下行后重试。',
  importEmpty: '请选择文件或粘贴内容。',
  importTooMany: '文件中有 {n} 个蒸馏结果；一次最多导入 {max} 个（请拆分文件）。',
  line: '行',
  problem: '问题',
  noRows: '暂无数据。',
  previous: '上一页',
  next: '下一页',
  articleCount: '文章数量',
  available: '可用 {n} 个',
  priority: '优先级（1-10）',
  concurrency: '同时生成篇数（1-20）',
  autoApprove: '自动通过审核',
  create: '创建任务',
  status: '状态',
  allStatuses: '全部',
  filter: '筛选',
  progress: '进度',
  firstKeyword: '蒸馏结果',
  task: '任务 {id}',
  cancel: '取消任务',
  retry: '重试任务',
  cancelRequested: '已请求取消任务 {id}。',
  retried: '任务 {id} 将重新生成位置 {positions}。',
  selectedDistillations: '按使用顺序排列的蒸馏结果',
  deleted: '已删除',
  items: '文章',
  position: '序号',
  state: '状态',
  attempts: '尝试次数',
  error: '错误',
  title: '标题',
  tokens: 'Token 数',
  duration: '耗时',
  live: '实时更新。',
  forbidden: '无权操作',
  forbiddenText: '此密钥的权限为 {scope}；此操作需要 write 密钥。',
  notFound: '未找到',
  somethingWrong: '出错了',
  csrfFailed: '表单已过期或来自其他页面。请刷新页面后重试。',
  language: '语言',
  back: '返回',
};

const DICTIONARY: Record<Lang, Messages> = { en, zh };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const messages = DICTIONARY[lang];
  return (key, vars) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));
}

/** The cookie's choice, else the first of the browser's languages we have, else Chinese. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookie === 'zh' || cookie === 'en') return cookie;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: (tag ?? '').toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((w) => w.tag !== '' && w.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}
