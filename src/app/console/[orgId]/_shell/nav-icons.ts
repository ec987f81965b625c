import {
  ClipboardListIcon,
  FileUpIcon,
  LayoutDashboardIcon,
  LightbulbIcon,
  type LucideIcon,
  NetworkIcon,
  PieChartIcon,
  ScrollTextIcon,
  SettingsIcon,
  UsersIcon,
  UserCogIcon,
} from 'lucide-react';
import type { NavKey } from '../../../../lib/ui/navigation';

export const NAV_ICONS: Record<NavKey, LucideIcon> = {
  overview: LayoutDashboardIcon,
  graph: NetworkIcon,
  participants: UsersIcon,
  segments: PieChartIcon,
  recommendations: LightbulbIcon,
  interventions: ClipboardListIcon,
  audit: ScrollTextIcon,
  import: FileUpIcon,
  members: UserCogIcon,
  settings: SettingsIcon,
};
