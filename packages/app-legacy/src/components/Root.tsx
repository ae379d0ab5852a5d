import { Sidebar, SidebarItem, SidebarPage } from '@backstage/core-components';
import CategoryIcon from '@material-ui/icons/Category';
import CreateComponentIcon from '@material-ui/icons/AddCircleOutline';
import RoomIcon from '@material-ui/icons/Room';
import { PropsWithChildren } from 'react';

export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      <SidebarItem icon={CategoryIcon} to="catalog" text="Catalog" />
      <SidebarItem icon={CreateComponentIcon} to="create" text="Create..." />
      <SidebarItem icon={RoomIcon} to="paved-road" text="Paved Road" />
    </Sidebar>
    {children}
  </SidebarPage>
);
