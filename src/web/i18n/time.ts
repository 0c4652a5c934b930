/** The reader's time zone: the chooser page and the words beside a time. */
export const en = {
  timeZonePage: 'Time zone',
  timeZoneHelp: 'Times on every page are shown in this zone, with its offset from UTC. Your choice is remembered in this browser.',
  timeZoneNow: 'Times are shown in {zone}.',
  timeZoneLabel: 'Time zone',
  timeZoneSave: 'Use this zone',
  timeZoneSaved: 'Times are now shown in {zone}.',
  timeZoneChange: 'Time zone: {zone} (change)',
};

export const zh: typeof en = {
  timeZonePage: '时区',
  timeZoneHelp: '每个页面上的时间都按这个时区显示，并注明与 UTC 的时差。你的选择会记在这个浏览器里。',
  timeZoneNow: '时间按 {zone} 显示。',
  timeZoneLabel: '时区',
  timeZoneSave: '使用这个时区',
  timeZoneSaved: '时间现在按 {zone} 显示。',
  timeZoneChange: '时区：{zone}（更改）',
};
