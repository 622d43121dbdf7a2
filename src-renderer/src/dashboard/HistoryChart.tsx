import { makeStyles, tokens } from '@fluentui/react-components';
import type { ValueOf } from '../../../src-main/ipc/contract.js';
import { useTexts } from '../i18n/language.js';

type HistoryDay = ValueOf<'getHistory'>['days'][number];

const WIDTH = 900;
const HEIGHT = 120;
const LABEL_HEIGHT = 16;

const useStyles = makeStyles({
  archived: { fill: tokens.colorBrandBackground },
  failed: { fill: tokens.colorPaletteRedBackground3 },
  label: { fill: tokens.colorNeutralForeground3, fontSize: '10px' },
});

/** Draws a bar per day: archived messages, with the failed ones stacked on top in red. */
export function HistoryChart({ days }: { days: readonly HistoryDay[] }) {
  const styles = useStyles();
  const { language, texts } = useTexts();
  const maximum = Math.max(1, ...days.map((day) => day.archived + day.failed));
  const slot = WIDTH / Math.max(days.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  const chartHeight = HEIGHT - LABEL_HEIGHT;

  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" height={HEIGHT} role="img" aria-label={texts.historyTitle} data-testid="history-chart">
      {days.map((day, index) => {
        const archivedHeight = (day.archived / maximum) * chartHeight;
        const failedHeight = (day.failed / maximum) * chartHeight;
        const x = index * slot + (slot - barWidth) / 2;
        const label = new Date(`${day.date}T12:00:00`).toLocaleDateString(language, { day: 'numeric', month: 'numeric' });
        return (
          <g key={day.date} data-date={day.date} data-archived={day.archived}>
            <title>{texts.historyBar(day.date, day.archived, day.failed)}</title>
            <rect className={styles.archived} x={x} y={chartHeight - archivedHeight} width={barWidth} height={archivedHeight} />
            <rect className={styles.failed} x={x} y={chartHeight - archivedHeight - failedHeight} width={barWidth} height={failedHeight} />
            <text className={styles.label} x={x + barWidth / 2} y={HEIGHT - 3} textAnchor="middle">
              {label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
