import { Button, Space, Typography } from 'antd';
import type { CSSProperties } from 'react';
import { fmt } from '../i18n';
import { hasPrevious, nextPage, pageNumber, previousPage, type CursorPages } from '../lib/cursor-pages';

// Previous / page N / next over an API's cursor pages (lib/cursor-pages), in the screen's words,
// with the page size when the screen states it. A page is turned only when nothing is loading.
export function CursorPager(props: {
  pages: CursorPages;
  nextCursor: string | number | null | undefined;
  loading?: boolean;
  onPage(p: CursorPages): void;
  words: { previous: string; next: string; page: string; pageSize?: string };
  size?: number;
  testId?: string;
  style?: CSSProperties;
}) {
  const { pages, loading, words } = props;
  const next = props.nextCursor == null ? null : String(props.nextCursor);
  return (
    <Space style={props.style ?? { marginTop: 16 }}>
      <Button disabled={!hasPrevious(pages) || loading} onClick={() => props.onPage(previousPage(pages))}>
        {words.previous}
      </Button>
      <Typography.Text data-testid={props.testId}>
        {fmt(words.page, { page: pageNumber(pages) })}
      </Typography.Text>
      <Button disabled={!next || loading} onClick={() => props.onPage(nextPage(pages, next))}>
        {words.next}
      </Button>
      {words.pageSize && props.size ? (
        <Typography.Text type="secondary">{fmt(words.pageSize, { size: props.size })}</Typography.Text>
      ) : null}
    </Space>
  );
}
