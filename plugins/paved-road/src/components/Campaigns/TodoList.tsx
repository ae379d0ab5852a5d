import { MarkdownContent } from '@backstage/core-components';
import { Box, Link as MuiLink, Typography } from '@material-ui/core';
import { CampaignTodo } from '@paved-road/backstage-plugin-common';

/** What an entity still has to change: each item's title and remediation. */
export function TodoList(props: { todo: CampaignTodo[] }) {
  if (!props.todo.length) return null;
  return (
    <Box component="ul" m={0} pl={2}>
      {props.todo.map(item => (
        <li key={item.checkId ?? item.title}>
          <Typography variant="subtitle2" component="span">
            {item.title}
          </Typography>
          <MarkdownContent content={item.remediation.markdown} dialect="gfm" />
          {item.remediation.link && (
            <MuiLink
              href={item.remediation.link}
              target="_blank"
              rel="noopener noreferrer"
              variant="body2"
            >
              How to fix it
            </MuiLink>
          )}
        </li>
      ))}
    </Box>
  );
}
